// Ghost presence (issue 9 item 3): a contact is online only while a link is up. A contact killed
// with SIGKILL (no bye, no 'gone', its registry entries fresh behind it) goes offline when the
// link dies and never comes back online while nothing runs, although every lookup sweep keeps
// finding its fresh entry. And an open invitation's redeemer never shows as a contact online or
// offline on the inviter's side before the inviter confirms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { makeCore, presenceOf, removeDir, testbed } from './test-support.ts';

test('kill -9: offline when the link dies, never online again while nothing runs (fresh entries notwithstanding)', async (t) => {
  const tb = await testbed();
  const A = await makeCore(tb, 'alice-ghost');
  const D = await makeCore(tb, 'dan-ghost');
  t.after(async () => {
    await Promise.allSettled([A.core.close(), D.core.close()]);
    await removeDir(A.dir);
    await removeDir(D.dir);
  });
  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: D.core.profile().contactCode });
  const aAtD = (await D.core.acceptInvitation({ link: inv.link })).contact.id;
  const dAtA = inv.contactId!;
  await D.log.wait(presenceOf(aAtD, 'online'), 90_000, 0);
  await A.log.wait(presenceOf(dAtA, 'online'), 90_000, 0).catch(() => assert.fail('A never saw D online'));
  await D.core.close();
  await A.log.wait(presenceOf(dAtA, 'offline'), 60_000, 0).catch(() => assert.fail('A did not see D offline after its quit'));

  const beforeChild = A.log.mark;
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/idle-core.ts', import.meta.url).pathname, 'dan-ghost', D.dir, aAtD], {
    env: process.env, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await exited; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child core not online within 120 s')), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => { if (line === 'online') { clearTimeout(timer); resolve(); } });
  });
  await A.log.wait(presenceOf(dAtA, 'online'), 90_000, beforeChild)
    .catch(() => assert.fail('A did not see the restarted D online'));
  const m = A.log.mark;
  const killedAt = Date.now();
  child.kill('SIGKILL');
  await exited;
  await A.log.wait(presenceOf(dAtA, 'offline'), 60_000, m).catch(() => assert.fail('A did not see the killed D offline'));
  t.diagnostic(`offline ${Date.now() - killedAt} ms after the kill`);
  // 45 s: many sweeps (every 2-3 s in the test schedule) find the dead core's fresh entry.
  const after = A.log.mark;
  await new Promise((resolve) => setTimeout(resolve, 45_000));
  const revived = A.log.events.slice(after).filter((e) => e.type === 'presence' && e.contactId === dAtA && e.state !== 'offline');
  assert.deepEqual(revived, [], 'a stale entry never brings a killed contact back online');
  assert.equal((await A.core.getContact({ id: dAtA })).presence.state, 'offline');
});

test('open invitation: no presence for the redeemer on the inviter side before confirmation', async (t) => {
  const tb = await testbed();
  const A = await makeCore(tb, 'alice-flash');
  const C = await makeCore(tb, 'carol-flash');
  t.after(async () => {
    await Promise.allSettled([A.core.close(), C.core.close()]);
    await removeDir(A.dir);
    await removeDir(C.dir);
  });
  const inv = await A.core.createInvitation({ kind: 'open' });
  await C.core.acceptInvitation({ link: inv.link });
  await A.log.wait((e) => e.type === 'invitation-redeemed' && e.invitation.id === inv.id, 120_000, 0);
  // Let the redeemer's lookups and dials run a while (the flash came from an entry seen before confirming).
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const beforeConfirm = A.log.mark;
  const contact = await A.core.confirmInvitation({ id: inv.id, nickname: 'Carol' });
  const flashes = A.log.events.slice(0, beforeConfirm).filter((e) => e.type === 'presence');
  assert.deepEqual(flashes, [], 'no presence event for a bare id before confirmation');
  await A.log.wait(presenceOf(contact.id, 'online'), 90_000, 0);
});
