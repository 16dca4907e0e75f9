// hyperdht compatibility of record signing: our signatures must be what hyperdht 6.34 storers
// accept, and theirs what we accept. Checked against hyperdht's own code, and end to end on a
// real loopback HyperDHT testnet (mutablePut with our signature, mutableGet back).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { ready, toHex, recordKeyPair, signRecord, verifyRecord, mutableSignable, NS_MUTABLE_PUT } from './index.ts';
import { compactUint } from './mutable-record.ts';

const require = createRequire(import.meta.url);
interface Persistent {
  signMutable(seq: number, value: Buffer, keyPair: { publicKey: Buffer; secretKey: Buffer }): Buffer;
  verifyMutable(signature: Buffer, seq: number, value: Buffer, publicKey: Buffer): boolean;
}
const Persistent = require('hyperdht/lib/persistent.js') as Persistent;
const constants = require('hyperdht/lib/constants.js') as { NS: { MUTABLE_PUT: Buffer } };
const c = require('compact-encoding') as { encode(enc: unknown, v: unknown): Buffer; uint: unknown };

before(async () => {
  await ready();
});

test('NS_MUTABLE_PUT equals hyperdht constants NS.MUTABLE_PUT', () => {
  assert.equal(toHex(NS_MUTABLE_PUT), constants.NS.MUTABLE_PUT.toString('hex'));
});

test('compactUint matches compact-encoding uint at every width boundary', () => {
  for (const n of [0, 1, 0xfc, 0xfd, 0xfe, 0xffff, 0x10000, 0xffffffff, 0x100000000, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
    assert.equal(toHex(compactUint(n)), c.encode(c.uint, n).toString('hex'), `n = ${n}`);
  }
});

test('signRecord -> Persistent.verifyMutable, Persistent.signMutable -> verifyRecord', () => {
  for (const seq of [0, 7, 253, 70_000, 5_000_000_000, 1_767_225_600_123]) {
    for (const size of [0, 1, 320, 1000]) {
      const kp = recordKeyPair(randomBytes(32));
      const value = randomBytes(size);
      const ours = signRecord(kp, seq, value);
      assert.ok(Persistent.verifyMutable(Buffer.from(ours), seq, value, Buffer.from(kp.publicKey)));
      const theirs = Persistent.signMutable(seq, value, { publicKey: Buffer.from(kp.publicKey), secretKey: Buffer.from(kp.secretKey) });
      assert.equal(toHex(theirs), toHex(ours)); // ed25519 is deterministic
      assert.ok(verifyRecord(kp.publicKey, seq, value, theirs));
      // Wrong seq, value or key must not verify on either side.
      assert.equal(verifyRecord(kp.publicKey, seq + 1, value, theirs), false);
      assert.equal(Persistent.verifyMutable(Buffer.from(ours), seq + 1, value, Buffer.from(kp.publicKey)), false);
      assert.equal(verifyRecord(recordKeyPair(randomBytes(32)).publicKey, seq, value, ours), false);
    }
  }
  assert.equal(mutableSignable(1, new Uint8Array(3)).length, 64);
});

test('verifyRecord returns false (never throws) on malformed input', () => {
  const kp = recordKeyPair(randomBytes(32));
  const sig = signRecord(kp, 1, new Uint8Array(1));
  assert.equal(verifyRecord(kp.publicKey.subarray(1), 1, new Uint8Array(1), sig), false);
  assert.equal(verifyRecord(kp.publicKey, -1, new Uint8Array(1), sig), false);
  assert.equal(verifyRecord(kp.publicKey, 1.5, new Uint8Array(1), sig), false);
  assert.equal(verifyRecord(kp.publicKey, 1, new Uint8Array(1), sig.subarray(2)), false);
  assert.equal(verifyRecord(new Uint8Array(32), 1, new Uint8Array(1), sig), false);
});

test('a record signed by signRecord is stored and served by a real HyperDHT testnet', async (t) => {
  const createTestnet = require('hyperdht/testnet') as (n: number, opts?: unknown) => Promise<{
    nodes: { mutablePut(kp: unknown, v: Buffer, o: unknown): Promise<unknown>; mutableGet(pk: Buffer, o?: unknown): Promise<{ seq: number; value: Buffer } | null> }[];
    destroy(): Promise<void>;
  }>;
  const testnet = await createTestnet(5);
  t.after(() => testnet.destroy());
  const kp = recordKeyPair(randomBytes(32));
  const value = randomBytes(320);
  const seq = 1_767_225_600_000;
  const [writer, reader] = [testnet.nodes[1]!, testnet.nodes[4]!];
  // The writer gets only the public key: the signature comes from src/protocol, as a gateway would.
  await writer.mutablePut({ publicKey: Buffer.from(kp.publicKey) }, value, { seq, signMutable: async () => Buffer.from(signRecord(kp, seq, value)) });
  const got = await reader.mutableGet(Buffer.from(kp.publicKey), { latest: true });
  assert.ok(got);
  assert.equal(got.seq, seq);
  assert.equal(toHex(got.value), toHex(value));
});
