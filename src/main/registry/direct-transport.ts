// DEVELOPMENT ONLY registry transport: this process is itself a HyperDHT client. Every DHT node
// that stores or serves a record sees this machine's UDP address, which breaks the paper's first
// principle (no entity learns a user's IP). Off by default; creating one logs a warning.
import { createRequire } from 'node:module';
import { RegistryError } from './errors.ts';
import { sameBytes, type PutOptions, type RegistryTransport, type SignedRecord } from './transport.ts';
import type { VerifyRecord } from './gateway-transport.ts';

interface MutableReply {
  seq: number;
  value: Uint8Array;
  signature: Uint8Array;
}

/** The few members of a hyperdht instance used here (hyperdht ships no types). */
export interface DirectDht {
  mutablePut(
    keyPair: { publicKey: Uint8Array },
    value: Uint8Array,
    opts: { seq: number; signMutable: () => Uint8Array },
  ): Promise<unknown>;
  mutableGet(publicKey: Uint8Array, opts: { latest: boolean }): Promise<MutableReply | null>;
  fullyBootstrapped(): Promise<void>;
  destroy(): Promise<void>;
}

type HyperDhtConstructor = new (opts: { ephemeral: true; bootstrap?: string[]; host?: string }) => DirectDht;

export const DIRECT_TRANSPORT_WARNING =
  'registry: DIRECT transport in use (development only): every HyperDHT node this client talks to sees this machine\'s IP address';

export interface DirectTransportOptions {
  verify: VerifyRecord;
  /** An existing DHT (caller keeps it) or bootstrap nodes for one we create (ephemeral: true). */
  dht?: DirectDht;
  bootstrap?: string[];
  host?: string;
  warn?: (message: string) => void;
}

export class DirectTransport implements RegistryTransport {
  readonly #dht: DirectDht;
  readonly #ownsDht: boolean;
  readonly #verify: VerifyRecord;
  #closed = false;

  constructor(opts: DirectTransportOptions) {
    (opts.warn ?? ((m: string) => process.emitWarning(m, { code: 'SOTTO_DIRECT_REGISTRY' })))(DIRECT_TRANSPORT_WARNING);
    this.#verify = opts.verify;
    if (opts.dht !== undefined) {
      this.#dht = opts.dht;
      this.#ownsDht = false;
    } else {
      const require = createRequire(import.meta.url);
      const HyperDHT = require('hyperdht') as HyperDhtConstructor;
      const dhtOpts: ConstructorParameters<HyperDhtConstructor>[0] = { ephemeral: true };
      if (opts.bootstrap !== undefined) dhtOpts.bootstrap = opts.bootstrap;
      if (opts.host !== undefined) dhtOpts.host = opts.host;
      this.#dht = new HyperDHT(dhtOpts);
      this.#ownsDht = true;
    }
  }

  async put(record: SignedRecord, opts: PutOptions = {}): Promise<void> {
    this.#check(opts.signal);
    if (!this.#verify(record)) throw RegistryError.BAD_RECORD('refusing to put a record whose signature does not verify');
    const signature = Buffer.from(record.signature);
    // hyperdht signs with the key pair unless given signMutable: pass the client's signature through.
    await this.#dht.mutablePut({ publicKey: Buffer.from(record.publicKey) }, Buffer.from(record.value), {
      seq: record.seq,
      signMutable: () => signature,
    });
  }

  async get(publicKeys: Uint8Array[], signal?: AbortSignal): Promise<(SignedRecord | null)[]> {
    this.#check(signal);
    return Promise.all(
      publicKeys.map(async (publicKey) => {
        const reply = await this.#dht.mutableGet(Buffer.from(publicKey), { latest: true });
        if (reply === null) return null;
        const record: SignedRecord = {
          publicKey: new Uint8Array(publicKey),
          seq: reply.seq,
          value: new Uint8Array(reply.value),
          signature: new Uint8Array(reply.signature),
        };
        // hyperdht already verified; re-check so both transports give the same guarantee.
        if (!sameBytes(record.publicKey, publicKey) || !this.#verify(record)) return null;
        return record;
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDht) await this.#dht.destroy();
  }

  #check(signal?: AbortSignal): void {
    if (this.#closed) throw RegistryError.CLOSED();
    if (signal?.aborted) throw RegistryError.ABORTED('registry request');
  }
}
