// Group chats on the shared testbed (issue 12): three cores with their own profiles and tors, the
// real registry through the gateways, links over onion services. A and B are contacts, B and C are
// contacts, A and C are not: C's session endpoint (reachable only with A's and B's session
// client-auth keys) is what A dials, and C shows A its ticket over that link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../../protocol/index.ts';
import { makeCore, removeDir, testbed, until, type TestCore } from '../core/test-support.ts';
import { chatRound, groupMember, inviteAndJoin, pairSettled, untilView, type GroupMember } from './test-support.ts';

const WAIT_MS = 60_000;
let cores: TestCore[] = [];

before(async () => {
  await ready();
  const tb = await testbed();
  cores = await Promise.all(['ann', 'ben', 'cat'].map((name) => makeCore(tb, name)));
});
after(async () => {
  await Promise.allSettled(cores.map((c) => c.core.close()));
  await Promise.allSettled(cores.map((c) => removeDir(c.dir)));
});

test('over tor: A starts, B joins, B invites C (not A\'s contact); one order on every screen, each message once; A leaves, B coordinates', async (t) => {
  const [A, B, C] = cores.map((c, i) => groupMember(['A', 'B', 'C'][i]!, c.core, c.log)) as [GroupMember, GroupMember, GroupMember];
  const t0 = Date.now();
  await Promise.all([pairSettled(A, B, WAIT_MS), pairSettled(B, C, WAIT_MS)]);
  t.diagnostic(`two pairings settled in ${Date.now() - t0} ms`);
  const t1 = Date.now();
  const session = A.core.groupSessions().create('over tor');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  t.diagnostic(`B joined (contact links only) in ${Date.now() - t1} ms`);
  const t2 = Date.now();
  await inviteAndJoin(B, C, session.sessionId, WAIT_MS);
  const joined = C.group.find((e) => e.type === 'session-joined');
  assert.ok(joined && joined.type === 'session-joined');
  assert.deepEqual(joined.unreached, [], 'A admitted C over the session endpoint');
  for (const m of [A, B, C]) await until(() => m.core.groupSessions().list()[0]?.members.length === 3, WAIT_MS, `${m.name} sees three members`);
  t.diagnostic(`C joined (endpoint published, dialed by A) in ${Date.now() - t2} ms`);
  const order = await chatRound([A, B, C], session.sessionId, 2, WAIT_MS);
  assert.equal(order.length, 6);
  A.core.groupSessions().leave(session.sessionId);
  await untilView([B, C], session.sessionId, { members: 2, coordinator: B }, WAIT_MS);
  await chatRound([B, C], session.sessionId, 1, WAIT_MS);
  for (const m of [A, B, C]) for (const e of m.group) if (e.type === 'session-warning') t.diagnostic(`${m.name} ${JSON.stringify(e)}`);
  t.diagnostic(`total ${Date.now() - t0} ms`);
});
