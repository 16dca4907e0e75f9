// The redeemer's reading of the inviter's tombstone (invitation-taken.ts): a genuine one for
// someone else ends the redemption once; one that names us ends the watch quietly (our
// confirmation comes over the K_AB link); forged, garbled, misplaced or foreign records change
// nothing. The registry port only delivers records: it is the boundary, recorded here.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identityFromSeed, ready, takenRecordKeys, toHex, type Identity } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';
import { takenTombstone, watchTaken } from './invitation-taken.ts';
import type { RawRecord, RegistryPort } from './ports.ts';


let counter = 0;
const clock = {
  now: () => 1_764_000_000_000,
  randomBytes: (n: number) => new Uint8Array(n).fill(++counter & 0xff),
} as Pick<Clock, 'now' | 'randomBytes'> as Clock;

/** A registry port that records the watch and lets the test hand it records, as a sweep would. */
function recordingRegistry(): { port: RegistryPort; deliver(r: RawRecord): void; watching: () => number; keys: () => string[] } {
  const watches = new Map<string, { keys: readonly Uint8Array[]; listener: (r: RawRecord) => void }>();
  const port = {
    watchKeys(id: string, keys: readonly Uint8Array[], listener: (r: RawRecord) => void) {
      watches.set(id, { keys, listener });
      return () => { watches.delete(id); };
    },
  } as Pick<RegistryPort, 'watchKeys'> as RegistryPort;
  return {
    port,
    deliver: (r) => { for (const w of [...watches.values()]) w.listener(r); },
    watching: () => watches.size,
    keys: () => [...watches.values()].flatMap((w) => w.keys.map(toHex)),
  };
}

const secret = new Uint8Array(32).fill(0x51);
let alice: Identity;
let mallory: Identity;
before(async () => {
  await ready();
  alice = identityFromSeed(new Uint8Array(32).fill(1));
  mallory = identityFromSeed(new Uint8Array(32).fill(2));
});
const kAB = new Uint8Array(32).fill(0xab); // the confirmed pair's key
const kAC = new Uint8Array(32).fill(0xac); // Carol's own (never confirmed) pair key

function watchAsCarol(registry: RegistryPort): { taken: () => number; stop: () => void } {
  let taken = 0;
  const stop = watchTaken(registry, { id: 'c/taken', secret, inviter: alice.publicKey, sharedKey: kAC, onTaken: () => { taken++; } });
  return { taken: () => taken, stop };
}

test('a genuine tombstone for someone else: onTaken once, and the watch ends', () => {
  const r = recordingRegistry();
  const carol = watchAsCarol(r.port);
  assert.deepEqual(r.keys(), takenRecordKeys(secret).map(toHex), 'reads exactly the three tombstone keys');
  const records = takenTombstone({ secret, inviter: alice, sharedKey: kAB, clock });
  assert.equal(records.length, 3);
  r.deliver(records[2]!);
  r.deliver(records[0]!);
  assert.equal(carol.taken(), 1);
  assert.equal(r.watching(), 0, 'unsubscribed at the first valid one');
});

test('a tombstone that names us is our own confirmation: no "taken", the watch ends', () => {
  const r = recordingRegistry();
  let taken = 0;
  watchTaken(r.port, { id: 'b/taken', secret, inviter: alice.publicKey, sharedKey: kAB, onTaken: () => { taken++; } });
  r.deliver(takenTombstone({ secret, inviter: alice, sharedKey: kAB, clock })[1]!);
  assert.equal(taken, 0);
  assert.equal(r.watching(), 0);
});

test('forged, garbled, misplaced or foreign records change nothing and the watch goes on', () => {
  const r = recordingRegistry();
  const carol = watchAsCarol(r.port);
  const genuine = takenTombstone({ secret, inviter: alice, sharedKey: kAB, clock });
  // Signed by a holder of s who is not the inviter (the mail reader).
  r.deliver(takenTombstone({ secret, inviter: mallory, sharedKey: kAB, clock })[0]!);
  // One flipped bit.
  const garbled = { ...genuine[0]!, value: genuine[0]!.value.slice() };
  garbled.value[100]! ^= 1;
  r.deliver(garbled);
  // Replica 0's value under replica 1's key.
  r.deliver({ ...genuine[0]!, publicKey: genuine[1]!.publicKey });
  // Another invitation's tombstone (another s), and a key we never asked for.
  const other = takenTombstone({ secret: new Uint8Array(32).fill(0x52), inviter: alice, sharedKey: kAB, clock })[0]!;
  r.deliver(other);
  r.deliver({ ...other, publicKey: genuine[0]!.publicKey });
  // Noise of the right size (a dummy).
  r.deliver({ ...genuine[2]!, value: new Uint8Array(320).fill(9) });
  assert.equal(carol.taken(), 0);
  assert.equal(r.watching(), 1, 'still reading');
  r.deliver(genuine[0]!);
  assert.equal(carol.taken(), 1);
});

test('stopped before anything turned up: later records are not heard; no watchKeys: a no-op', () => {
  const r = recordingRegistry();
  const carol = watchAsCarol(r.port);
  carol.stop();
  assert.equal(r.watching(), 0);
  r.deliver(takenTombstone({ secret, inviter: alice, sharedKey: kAB, clock })[0]!);
  assert.equal(carol.taken(), 0);
  const none = watchAsCarol({} as RegistryPort);
  none.stop();
  assert.equal(none.taken(), 0);
});

test('the inviter\'s tombstone: three records, fresh nonces, seq = the write time', () => {
  const records = takenTombstone({ secret, inviter: alice, sharedKey: kAB, clock });
  assert.deepEqual(records.map((r) => toHex(r.publicKey)), takenRecordKeys(secret).map(toHex));
  assert.ok(records.every((r) => r.seq === clock.now() && r.value.length === 320));
  assert.equal(new Set(records.map((r) => toHex(r.value.subarray(0, 24)))).size, 3, 'one nonce per replica');
});
