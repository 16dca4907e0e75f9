// The group sessions' timeout tick runs only while a session or an invitation is open: an idle
// core with no group chat does not wake every second (issue 11 item 6; found by
// bench/idle100.bench.ts, which lists the timers that fire while 100 contacts sit idle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityFromSeed, ready } from '../../protocol/index.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { GroupSessions } from './group-sessions.ts';

test('no tick while no group session is open; it starts with a session and stops after the last one is left', async () => {
  await ready();
  const pending = new Set<unknown>();
  const clock: Clock = {
    ...systemClock,
    setTimeout: (fn, ms) => {
      const handle = setTimeout(() => { pending.delete(handle); fn(); }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout: (handle) => { pending.delete(handle); clearTimeout(handle as NodeJS.Timeout); },
  };
  const groups = new GroupSessions({
    identity: identityFromSeed(new Uint8Array(32).fill(3)), clock, links: null, emit: () => undefined, tickMs: 5,
    carrier: { send: () => false, isContact: () => false },
  });
  try {
    assert.equal(pending.size, 0, 'nothing scheduled with no session');
    const session = groups.create('idle test');
    assert.equal(pending.size, 1, 'one tick while a session is open');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(pending.size, 1, 'still one, re-armed after each tick');
    groups.leave(session.sessionId);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(pending.size, 0, 'the tick stops once no session is left');
  } finally {
    groups.close();
  }
});
