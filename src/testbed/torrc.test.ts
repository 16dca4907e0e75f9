import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorityTorrc, DEFAULT_TIMINGS, relayTorrc, votingStartOffset, type AuthorityIdentity } from './torrc.ts';

// Mirrors tor's voting_sched_get_start_of_interval_after (dirvote): the first valid-after time an
// authority picks, given the offset we configured.
function nextValidAfter(now: number, interval: number, offset: number): number {
  const midnight = now - (now % 86400);
  let next = midnight + (Math.floor((now - midnight) / interval) + 1) * interval + offset;
  if (next - interval > now) next -= interval;
  return next;
}

test('the voting offset puts the first valid-after time `lead` seconds after spawn', () => {
  for (const now of [1_700_000_000, 1_700_000_003, 1_700_000_007, 1_700_086_399]) {
    for (const lead of [6, 8]) {
      const offset = votingStartOffset(now, lead, 8);
      assert.ok(offset >= 0 && offset < 8, `offset ${offset} out of range`);
      assert.equal(nextValidAfter(now, 8, offset) - now, lead === 8 ? 8 : lead);
      // Tor reads the clock a moment after we computed the offset: still the same time.
      if (lead === 8) assert.equal(nextValidAfter(now + 1, 8, offset) - now, 8);
    }
  }
});

const auth: AuthorityIdentity = { nickname: 'auth0', orPort: 1, dirPort: 2, fingerprint: 'F'.repeat(40), v3ident: 'E'.repeat(40) };
const base = { dataDir: '/d', orPort: 3, owningPid: 42, authorities: [auth], geoipFile: '/e' };

test('relays: no directory cache, exits only to loopback', () => {
  const exit = relayTorrc({ ...base, nickname: 'exit0', role: 'exit' });
  assert.ok(exit.includes('DirCache 0'));
  assert.deepEqual(exit.filter((l) => l.startsWith('ExitPolicy ')), ['ExitPolicy accept 127.0.0.0/8:*', 'ExitPolicy reject *:*']);
  assert.ok(exit.includes('__OwningControllerProcess 42'));
  const relay = relayTorrc({ ...base, nickname: 'relay0', role: 'relay' });
  assert.deepEqual(relay.filter((l) => l.startsWith('ExitPolicy ')), ['ExitPolicy reject *:*']);
});

test('authorities: fast voting and no forced HSDir flag', () => {
  const lines = authorityTorrc({ ...base, nickname: 'auth0', role: 'authority', dirPort: 2 }, DEFAULT_TIMINGS, 5);
  assert.ok(lines.includes('TestingV3AuthVotingStartOffset 5'));
  assert.ok(lines.includes('V3AuthVotingInterval 10'));
  assert.ok(!lines.some((l) => l.startsWith('TestingDirAuthVoteHSDir')));
  assert.ok(lines.includes(`DirAuthority auth0 orport=1 no-v2 v3ident=${'E'.repeat(40)} 127.0.0.1:2 ${'F'.repeat(40)}`));
  assert.throws(() => authorityTorrc({ ...base, nickname: 'a', role: 'authority' }, DEFAULT_TIMINGS, 0), RangeError);
});
