// A DHT node that writes down what it serves: a real HyperDHT full node (ephemeral: false, so it
// stores records and answers queries like every other storer) joined to an existing DHT, logging
// every mutable put and get it handles. It is the adversary of issue 10: a registry node watching
// the keys, values and timing of a profile's records. On a small DHT (fewer than k = 20 storers)
// it is among the closest nodes of every key, so it sees every put and every get query.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface HyperDhtNode {
  fullyBootstrapped(): Promise<void>;
  destroy(): Promise<void>;
  on(event: 'persistent', listener: () => void): void;
  _persistent: PersistentHandlers | null;
}
interface PersistentHandlers {
  onmutableput(req: DhtRequest): void;
  onmutableget(req: DhtRequest): void;
}
interface DhtRequest { target: Uint8Array | null; value: Uint8Array | null; token: Uint8Array | null }
type HyperDhtConstructor = new (opts: { bootstrap: string[]; host: string; ephemeral: boolean; firewalled: boolean }) => HyperDhtNode;

const HyperDHT = require('hyperdht') as HyperDhtConstructor;
const fromHyperdht = createRequire(require.resolve('hyperdht'));
const { decode } = fromHyperdht('compact-encoding') as { decode(enc: unknown, buf: Uint8Array): unknown };
const messages = require('hyperdht/lib/messages.js') as { mutablePutRequest: unknown };

export interface DhtObservation {
  at: number;
  op: 'put' | 'get';
  /** hex of the DHT target (BLAKE2b-256 of the record's public key). */
  target: string;
  /** Puts only: the record's public key (hex), seq and value size. */
  publicKey?: string;
  seq?: number;
  valueBytes?: number;
}

export interface RecordingDhtNode {
  readonly seen: DhtObservation[];
  /** Observations since `mark` (an index into `seen`). */
  since(mark: number): DhtObservation[];
  destroy(): Promise<void>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function isPutRequest(v: unknown): v is { publicKey: Uint8Array; seq: number; value: Uint8Array } {
  const o = v as { publicKey?: unknown; seq?: unknown; value?: unknown } | null;
  return typeof o === 'object' && o !== null && o.publicKey instanceof Uint8Array && typeof o.seq === 'number' && o.value instanceof Uint8Array;
}

export async function startRecordingDhtNode(bootstrap: string[], now: () => number = Date.now): Promise<RecordingDhtNode> {
  const node = new HyperDHT({ bootstrap, host: '127.0.0.1', ephemeral: false, firewalled: false });
  const seen: DhtObservation[] = [];
  let wrapped = false;
  const wrap = (p: PersistentHandlers): void => {
    if (wrapped) return;
    wrapped = true;
    const put = p.onmutableput.bind(p);
    const get = p.onmutableget.bind(p);
    p.onmutableput = (req) => {
      if (req.target && req.value) {
        let decoded: unknown = null;
        try { decoded = decode(messages.mutablePutRequest, req.value); } catch { /* not a valid put: logged bare */ }
        seen.push({
          at: now(), op: 'put', target: hex(req.target),
          ...(isPutRequest(decoded) ? { publicKey: hex(decoded.publicKey), seq: decoded.seq, valueBytes: decoded.value.length } : {}),
        });
      }
      put(req);
    };
    p.onmutableget = (req) => {
      if (req.target) seen.push({ at: now(), op: 'get', target: hex(req.target) });
      get(req);
    };
  };
  node.on('persistent', () => { if (node._persistent) wrap(node._persistent); });
  await node.fullyBootstrapped();
  if (node._persistent) wrap(node._persistent);
  return {
    seen,
    since: (mark) => seen.slice(mark),
    destroy: () => node.destroy(),
  };
}
