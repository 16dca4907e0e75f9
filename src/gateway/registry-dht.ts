// The gateway's only contact with HyperDHT: store records that clients signed, look records up,
// and check hyperdht's mutable-record signature. hyperdht ships no types, so the few members used
// here are declared structurally (any DHT instance, the testbed's included, fits).
import { createRequire } from 'node:module';
import { GatewayError } from './errors.ts';
import type { SignedRecord } from './validation.ts';

export interface MutableRecordReply {
  seq: number;
  value: Buffer;
  signature: Buffer;
}

type SignMutable = (seq: number, value: Buffer, keyPair: { publicKey: Buffer }) => Buffer | Promise<Buffer>;

/** The members of a hyperdht instance the gateway uses. */
export interface RegistryDht {
  mutablePut(
    keyPair: { publicKey: Buffer },
    value: Buffer,
    opts: { seq: number; signMutable: SignMutable },
  ): Promise<unknown>;
  mutableGet(publicKey: Buffer, opts: { latest: boolean }): Promise<MutableRecordReply | null>;
  query(
    q: { target: Buffer; command: number; value: Buffer | null },
    opts: { map(reply: { value: Buffer | null }): MutableRecordReply | null },
  ): AsyncIterable<MutableRecordReply> & { readonly successes: number };
  fullyBootstrapped(): Promise<void>;
  destroy(): Promise<void>;
  /** Nodes of the routing table (dht-rpc); the gateway only counts them (metrics, health). */
  toArray(): unknown[];
  readonly bootstrapped: boolean;
  readonly ephemeral: boolean;
  readonly destroyed: boolean;
}

export interface HyperDhtOptions {
  ephemeral: true;
  bootstrap?: string[];
  host?: string;
  port?: number;
  maxWindow?: number;
}

type HyperDhtConstructor = new (opts: HyperDhtOptions) => RegistryDht;

const require = createRequire(import.meta.url);
const HyperDHT = require('hyperdht') as HyperDhtConstructor;
const Persistent = require('hyperdht/lib/persistent.js') as {
  verifyMutable(signature: Buffer, seq: number, value: Buffer, publicKey: Buffer): boolean;
};
const { COMMANDS } = require('hyperdht/lib/constants.js') as { COMMANDS: { MUTABLE_GET: number } };
const messages = require('hyperdht/lib/messages.js') as { mutableGetResponse: unknown };
// hyperdht's own dependencies, resolved from hyperdht so the versions are the ones it encodes with.
const fromHyperdht = createRequire(require.resolve('hyperdht'));
const encoding = fromHyperdht('compact-encoding') as {
  uint: unknown;
  encode(enc: unknown, value: unknown): Buffer;
  decode(enc: unknown, buffer: Buffer): MutableRecordReply;
};
const sodium = fromHyperdht('sodium-universal') as { crypto_generichash(out: Buffer, input: Buffer): void };

/**
 * dht-rpc's default congestion window (80 requests per 750 ms) made p95 ~1 s with 16 concurrent
 * requests on a 30-node testnet; 1000 gave 227 puts/s (TESTBED-NOTES). One gateway serves many
 * clients, so it needs the larger window; the global rate limit keeps it from flooding the DHT.
 */
export const GATEWAY_MAX_WINDOW = 1000;

/** A HyperDHT client that never becomes a routing node (a plain `new DHT()` may turn into one). */
export function createGatewayDht(opts: { bootstrap?: string[]; host?: string; port?: number; maxWindow?: number }): RegistryDht {
  const dhtOpts: HyperDhtOptions = { ephemeral: true, maxWindow: opts.maxWindow ?? GATEWAY_MAX_WINDOW };
  if (opts.bootstrap !== undefined) dhtOpts.bootstrap = opts.bootstrap;
  if (opts.host !== undefined) dhtOpts.host = opts.host;
  if (opts.port !== undefined) dhtOpts.port = opts.port;
  return new HyperDHT(dhtOpts);
}

/** hyperdht's own check (NS_MUTABLE_PUT || BLAKE2b(seq, value)), the one every storer applies. */
export function verifyRecord(record: SignedRecord): boolean {
  try {
    return Persistent.verifyMutable(record.signature, record.seq, record.value, record.publicKey);
  } catch {
    return false;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(GatewayError.TIMEOUT()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw GatewayError.DHT_FAILED();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stores a record the client signed. Storers answer a reused seq or a lower seq with an error code
 * that hyperdht's mutablePut does not surface (it resolves anyway), so the newest stored record is
 * read first and the conflict reported to the client instead of a silent no-op. Two concurrent puts
 * with the same seq can both pass this check; storers then keep whichever arrives first.
 */
export async function putSignedRecord(
  dht: RegistryDht,
  record: SignedRecord,
  opts: { timeoutMs: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const stored = await withTimeout(lookupLatest(dht, record.publicKey), opts.timeoutMs);
  if (stored !== null) {
    if (stored.seq > record.seq) throw GatewayError.SEQ_TOO_LOW();
    if (stored.seq === record.seq && !stored.value.equals(record.value)) throw GatewayError.SEQ_REUSED();
  }
  // The gateway has no secret key: hyperdht asks signMutable for the signature and gets the
  // client's, which it already verified, so storers see exactly what the client signed.
  const signMutable: SignMutable = () => record.signature;
  await withTimeout(
    dht.mutablePut({ publicKey: record.publicKey }, record.value, { seq: record.seq, signMutable }),
    Math.max(1, deadline - Date.now()),
  );
}

function decodeStored(reply: { value: Buffer | null }): MutableRecordReply | null {
  if (!reply.value) return null;
  try {
    return encoding.decode(messages.mutableGetResponse, reply.value);
  } catch {
    return null;
  }
}

/**
 * hyperdht's `mutableGet(pk, { latest: true })`, written out on its public `query` so the gateway
 * can tell "no record" from "no DHT node answered": mutableGet returns null for both (measured: a
 * gateway whose DHT died answered every get with null after 6 s, i.e. "everyone is offline", and
 * clients would never fail over). Same target (BLAKE2b-256 of the key), same seq-0 request, and
 * like `latest: true` the newest record whose signature verifies wins (TESTBED-NOTES: with half
 * the storers replaying an older record it still returns the newest).
 */
export async function lookupLatest(dht: RegistryDht, publicKey: Buffer): Promise<SignedRecord | null> {
  const target = Buffer.allocUnsafe(32);
  sodium.crypto_generichash(target, publicKey);
  const query = dht.query(
    { target, command: COMMANDS.MUTABLE_GET, value: encoding.encode(encoding.uint, 0) },
    { map: decodeStored },
  );
  let newest: SignedRecord | null = null;
  for await (const reply of query) {
    if (newest !== null && reply.seq <= newest.seq) continue;
    const record: SignedRecord = { publicKey, seq: reply.seq, value: reply.value, signature: reply.signature };
    if (verifyRecord(record)) newest = record;
  }
  if (query.successes === 0) throw GatewayError.DHT_FAILED('no DHT node answered');
  return newest;
}

/** Looks up each key concurrently; a record that fails the signature check is null. */
export async function getRecords(
  dht: RegistryDht,
  publicKeys: Buffer[],
  opts: { timeoutMs: number },
): Promise<(SignedRecord | null)[]> {
  const lookups = new Map<string, Promise<SignedRecord | null>>();
  for (const publicKey of publicKeys) {
    const hex = publicKey.toString('hex');
    if (lookups.has(hex)) continue;
    lookups.set(hex, lookupLatest(dht, publicKey));
  }
  const results = await withTimeout(Promise.all(lookups.values()), opts.timeoutMs);
  const byKey = new Map([...lookups.keys()].map((hex, i) => [hex, results[i] ?? null]));
  return publicKeys.map((publicKey) => byKey.get(publicKey.toString('hex')) ?? null);
}
