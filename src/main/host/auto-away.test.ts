// Auto-away as a person meets it: idle past the threshold -> the core shows away; input -> online
// again at once. A manual clock drives the checks; the core is real (loopback services).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoAway } from './auto-away.ts';
import { loopbackCores } from './test-support.ts';

function manualClock() {
  let now = 1_000_000;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => { timers.set(next, { at: now + ms, fn }); return next++; },
    clearTimeout: (h: unknown) => { timers.delete(h as number); },
    pending: () => timers.size,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers]) if (t.at <= now) { timers.delete(id); t.fn(); }
    },
  };
}

test('idle past the threshold turns online into away; input brings it back at once', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  await a!.core.createProfile({ displayName: 'Ana', passphrase: 'pw' });
  const clock = manualClock();
  let threshold = 5;
  const away = new AutoAway({ clock, awayAfterMinutes: async () => threshold, setIdle: (i) => a!.core.setIdle(i), checkEveryMs: 20_000 });
  away.start();
  t.after(() => away.stop());
  assert.equal(await away.check(), true, 'first check reports');
  assert.equal(await away.check(), false, 'nothing changed: no call');
  clock.advance(4 * 60_000);
  await away.check();
  assert.equal(a!.core.status().presence.effective, 'online');
  clock.advance(60_000);
  await away.check();
  assert.equal(a!.core.status().presence.effective, 'away');
  away.touch();
  // touch() reports at once when it ends an idle spell.
  for (let i = 0; i < 50 && a!.core.status().presence.effective !== 'online'; i++) await new Promise((r) => setImmediate(r));
  assert.equal(a!.core.status().presence.effective, 'online');
  threshold = 1;
  clock.advance(60_000);
  await away.check();
  assert.equal(a!.core.status().presence.effective, 'away', 'a lower threshold from the settings applies');
  assert.equal(a!.core.status().presence.idleMinutes, 1);
  away.stop();
  assert.equal(clock.pending(), 0, 'stop clears the timer');
});

test('a refused report is not an error: the next check tries again', async () => {
  const clock = manualClock();
  let refuse = true;
  const away = new AutoAway({
    clock, awayAfterMinutes: async () => 10,
    setIdle: async () => { if (refuse) throw Object.assign(new Error('closed'), { code: 'CLOSED' }); },
  });
  assert.equal(await away.check(), false);
  refuse = false;
  assert.equal(await away.check(), true);
});

test('the OS idle time (Electron powerMonitor) replaces input in our windows when given', async () => {
  const clock = manualClock();
  const reported: number[] = [];
  const away = new AutoAway({ clock, idleSeconds: () => 185, awayAfterMinutes: async () => 3, setIdle: async (i) => { reported.push(i.minutes); } });
  await away.check();
  assert.deepEqual(reported, [3]);
});
