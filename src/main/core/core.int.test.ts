// The core end to end on the shared testbed (issue 5 tests): separate cores with their own
// profiles and tors, real registry through the gateways over Tor, real links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog, makeCore, presenceOf, removeDir, testbed, type TestCore } from './test-support.ts';
import type { CoreEvent } from './types.ts';

test('sealed invitation: A and B see each other online, talk both ways, away + text, quit -> offline', async (t) => {
  const tb = await testbed();
  const started = Date.now();
  const A = await makeCore(tb, 'alice');
  const B = await makeCore(tb, 'bob');
  t.diagnostic(`two cores up (tor bootstrapped) in ${Date.now() - started} ms`);
  let b: TestCore = B;
  const t00 = Date.now();
  const dump = (name: string, log: EventLog) => {
    for (const e of log.events) if (e.type === 'warning' || e.type === 'presence') t.diagnostic(`${name} ${JSON.stringify(e)}`);
  };
  t.after(async () => {
    dump('A', A.log); dump('B', B.log); if (b !== B) dump('B2', b.log);
    t.diagnostic(`total ${Date.now() - t00}`);
    await A.core.close();
    await b.core.close();
    await removeDir(A.dir);
    await removeDir(B.dir);
  });

  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode, nickname: 'Bob' });
  assert.equal(inv.kind, 'sealed');
  assert.match(inv.link, /^sotto:\/\/invite\/v1#/);
  const aContacts = await A.core.listContacts();
  assert.equal(aContacts.length, 1);
  assert.equal(aContacts[0]!.phase, 'pending');
  const bobId = aContacts[0]!.id;

  const t0 = Date.now();
  const [ma, mb] = [A.log.mark, B.log.mark];
  const accepted = await B.core.acceptInvitation({ text: `Hi Bob, here: ${inv.link} -- A` });
  assert.equal(accepted.kind, 'sealed');
  assert.equal(accepted.contact.nickname, 'alice');
  const aliceId = accepted.contact.id;
  await assert.rejects(B.core.acceptInvitation({ link: inv.link }), (e: Error & { code?: string }) => e.code === 'INVITATION_USED');

  await Promise.all([A.log.wait(presenceOf(bobId, 'online'), 90_000, ma), B.log.wait(presenceOf(aliceId, 'online'), 90_000, mb)]);
  t.diagnostic(`accept -> both online: ${Date.now() - t0} ms`);
  const aView = await A.core.getContact({ id: bobId });
  assert.equal(aView.phase, 'confirmed', 'first link confirms a sealed invitation on the inviter side');
  assert.equal((await A.core.listInvitations())[0]!.state, 'redeemed');
  assert.equal(aView.safetyNumber, (await B.core.getContact({ id: aliceId })).safetyNumber);

  // Messages both ways, acked, unread counts.
  let m = B.log.mark;
  const sent = await A.core.sendMessage({ contactId: bobId, body: 'hello bob' });
  const got = await B.log.wait((e): e is Extract<CoreEvent, { type: 'message' }> => e.type === 'message' && e.message.direction === 'in' && e.message.id === sent.id, 60_000, m);
  assert.equal(got.message.body, 'hello bob');
  assert.equal(got.message.conversationId, sent.conversationId, 'both sides derive the same conversation id');
  await A.log.wait((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'acked', 60_000, 0);
  assert.equal((await B.core.getContact({ id: aliceId })).unread, 1);
  await B.core.markRead({ contactId: aliceId });
  assert.equal((await B.core.getContact({ id: aliceId })).unread, 0);
  m = A.log.mark;
  const reply = await B.core.sendMessage({ contactId: aliceId, body: 'hi alice' });
  await A.log.wait((e) => e.type === 'message' && e.message.id === reply.id && e.message.direction === 'in', 60_000, m);

  // Away + custom text, via idle and explicitly.
  m = A.log.mark;
  await B.core.setIdle({ minutes: 30 });
  await A.log.wait(presenceOf(bobId, 'away'), 60_000, m);
  m = A.log.mark;
  await B.core.setIdle({ minutes: 0 });
  await A.log.wait(presenceOf(bobId, 'online'), 60_000, m);
  m = A.log.mark;
  await B.core.setPresence({ state: 'busy', text: 'in a meeting' });
  await A.log.wait((e) => e.type === 'presence' && e.contactId === bobId && e.state === 'busy' && e.text === 'in a meeting', 60_000, m);
  m = A.log.mark;
  await B.core.setPresence({ state: 'online', text: '' });
  await A.log.wait(presenceOf(bobId, 'online'), 60_000, m);

  // B quits -> A sees B offline; A writes while B is away; B comes back and receives it.
  const quitAt = Date.now();
  m = A.log.mark;
  await B.core.close();
  await A.log.wait(presenceOf(bobId, 'offline'), 60_000, m);
  t.diagnostic(`B quit -> A sees offline: ${Date.now() - quitAt} ms`);
  const offlineMsg = await A.core.sendMessage({ contactId: bobId, body: 'written while you were away' });
  assert.equal(offlineMsg.status, 'queued');
  const backAt = Date.now();
  m = A.log.mark;
  b = await B.restart();
  const history = await b.core.history({ contactId: aliceId });
  assert.deepEqual(history.messages.map((m) => m.body), ['hi alice', 'hello bob'], 'history survives a restart');
  await b.log.wait((e) => e.type === 'message' && e.message.id === offlineMsg.id, 120_000, 0);
  await A.log.wait(presenceOf(bobId, 'online'), 120_000, m);
  t.diagnostic(`B restart -> queued message delivered and B online at A: ${Date.now() - backAt} ms`);
  await A.log.wait((e) => e.type === 'message-status' && e.messageId === offlineMsg.id && e.status === 'acked', 60_000, m);
});

void EventLog;
