// A registry transport whose gateway list can change while the profile runs (network settings,
// an accepted invitation's gateways). Each request goes to the transport built for the current
// list; a new list builds a new one and closes the old (its requests in flight end as CLOSED and
// the registry retries them on its schedule). With no gateway at all a request fails with the
// registry's NO_GATEWAY: the profile runs, and says why nobody can find it.
import { RegistryError, type RegistryTransport, type SignedRecord } from '../registry/index.ts';

type PutOptions = Parameters<RegistryTransport['put']>[1];

export interface GatewayListSource {
  gateways(): readonly string[];
  onChange(listener: () => void): () => void;
}

export interface LiveGatewayTransportOptions {
  source: GatewayListSource;
  /** The transport for one list (gatewayTransportOverTor in wiring.ts). */
  build(gateways: string[]): RegistryTransport;
  /** After a switch to another non-empty list (the registry re-writes its slots and sweeps). */
  onSwitch?: () => void;
}

export class LiveGatewayTransport implements RegistryTransport {
  #key = '';
  #current: RegistryTransport | null = null;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(private readonly o: LiveGatewayTransportOptions) {
    this.#unsubscribe = o.source.onChange(() => {
      if (this.#closed || this.#keyOf() === this.#key) return;
      // An emptied list closes the old transport too; requests then fail with NO_GATEWAY.
      if (this.#keyOf() === '') { void this.#current?.close(); this.#current = null; this.#key = ''; return; }
      this.#transport();
      o.onSwitch?.();
    });
  }

  #keyOf(): string {
    return this.o.source.gateways().join('\n');
  }

  #transport(): RegistryTransport {
    if (this.#closed) throw RegistryError.CLOSED();
    const key = this.#keyOf();
    if (key !== this.#key || this.#current === null) {
      const old = this.#current;
      this.#current = key === '' ? null : this.o.build([...this.o.source.gateways()]);
      this.#key = key;
      void old?.close();
    }
    if (this.#current === null) throw RegistryError.NO_GATEWAY();
    return this.#current;
  }

  async put(record: SignedRecord, opts?: PutOptions): Promise<void> {
    return this.#transport().put(record, opts);
  }

  async get(publicKeys: Uint8Array[], signal?: AbortSignal): Promise<(SignedRecord | null)[]> {
    return this.#transport().get(publicKeys, signal);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    const old = this.#current;
    this.#current = null;
    await old?.close();
  }
}
