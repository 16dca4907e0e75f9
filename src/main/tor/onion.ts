// Per-contact onion endpoints (DESIGN D5): ephemeral v3 onions whose descriptors only the
// holders of the listed x25519 client-auth keys can decrypt, so nobody else can even learn that
// the endpoint is up. An endpoint is handed out only after tor reports HS_DESC UPLOADED for it;
// publishing a registry entry earlier would send the contact to a descriptor that is not there.
//
// Detach: off by default. A non-detached onion dies with the control connection that made it.
// That connection is owned by TorProcess (TAKEOWNERSHIP), so when it is gone tor is gone or
// restarting anyway; never detaching means no endpoint can outlive the app and keep answering
// for a user who believes Sotto is closed. `detach: true` exists for a controller that
// reconnects to a long-running tor it does not own.
import { TorError } from './errors.ts';
import type { TorControl, ControlEvent } from './control.ts';
import { Limiter } from '../limiter.ts';
import { parseKeywords } from './reply-parser.ts';
import { assertX25519Key, base32Encode, isServiceId, toServiceId } from './onion-address.ts';

const SERVICE_KEY = /^ED25519-V3:[A-Za-z0-9+/]{86}==$/;

export interface OnionTarget {
  /** A literal IP address (127.0.0.1 for our own listeners). */
  host: string;
  port: number;
}

export interface CreateEndpointOptions {
  /** x25519 public keys of the contacts this endpoint serves (1..G); empty = no client auth (gateways). */
  clientAuthPublicKeys: Uint8Array[];
  target: OnionTarget;
  virtualPort: number;
  signal?: AbortSignal | undefined;
  /**
   * Only for services whose address must survive restarts (registry gateways, which clients
   * configure by address): a key saved from an earlier `privateKey` (`ED25519-V3:<base64>`), or
   * 'new' to have tor make one and hand it back. Per-contact endpoints never set this (DiscardPK).
   */
  serviceKey?: string;
}

export interface OnionEndpoint {
  serviceId: string;
  /** `<serviceId>.onion` */
  address: string;
  virtualPort: number;
  target: OnionTarget;
  clientAuthPublicKeys: Uint8Array[];
  detached: boolean;
  /** ADD_ONION sent -> first HS_DESC UPLOADED, milliseconds. */
  uploadMs: number;
  /** The service key tor made, when created with `serviceKey: 'new'` (the caller keeps it). */
  privateKey?: string;
  createdAt: number;
}

export interface OnionEndpointsOptions {
  control: TorControl;
  /**
   * Creations in flight (ADD_ONION sent, no UPLOADED yet); 8 onions ~ 24 intro circuits + uploads.
   * Each waits ~1 s for its upload whatever the load, so the cap sets the pace: 500 contacts in
   * 32 group onions took 19 s at 4 (bench/contacts500.bench.ts, issue 11 item 4).
   */
  maxPendingCreates?: number;
  /** How long to wait for the first UPLOADED before giving up (and deleting the onion). */
  uploadTimeoutMs?: number;
  /** Cap on client-auth keys per endpoint: each adds an encrypted entry to the descriptor (max 50 kB). */
  maxClientAuthKeys?: number;
  detach?: boolean;
  now?: () => number;
}

export class OnionEndpoints {
  private readonly control: TorControl;
  private readonly limiter: Limiter;
  private readonly uploadTimeoutMs: number;
  private readonly maxClientAuthKeys: number;
  private readonly detach: boolean;
  private readonly now: () => number;
  private readonly endpoints = new Map<string, OnionEndpoint>();
  // One listener per instance, fanned out to the creations in flight (not one per creation:
  // 64 concurrent creates would pile 64 listeners on the control connection).
  private readonly uploadWatchers = new Set<(serviceId: string) => void>();
  private readonly closeWatchers = new Set<(err: TorError) => void>();

  constructor(opts: OnionEndpointsOptions) {
    this.control = opts.control;
    this.control.on('event', (e: ControlEvent) => {
      if (e.name !== 'HS_DESC' || this.uploadWatchers.size === 0) return;
      const [action, address] = parseKeywords(e.text).positional;
      if (action === 'UPLOADED' && address) for (const watch of this.uploadWatchers) watch(address);
    });
    this.control.on('close', (err) => {
      for (const watch of this.closeWatchers) watch(err);
    });
    this.limiter = new Limiter(opts.maxPendingCreates ?? 8, () => TorError.ABORTED('waiting for a creation slot'));
    this.uploadTimeoutMs = opts.uploadTimeoutMs ?? 120_000;
    this.maxClientAuthKeys = opts.maxClientAuthKeys ?? 64;
    this.detach = opts.detach ?? false;
    this.now = opts.now ?? Date.now;
  }

  /** Endpoints this instance created and has not removed. */
  list(): OnionEndpoint[] {
    return [...this.endpoints.values()];
  }

  /** Number of creations currently waiting for their descriptor upload. */
  get pendingCreates(): number {
    return this.limiter.pending;
  }

  async create(opts: CreateEndpointOptions): Promise<OnionEndpoint> {
    const command = this.addOnionCommand(opts);
    const release = await this.limiter.acquire(opts.signal);
    try {
      return await this.createNow(command, opts);
    } finally {
      release();
    }
  }

  /** DEL_ONION. Removing an endpoint tor no longer knows (e.g. after a restart) is not an error. */
  async remove(serviceId: string, opts: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    const id = toServiceId(serviceId);
    this.endpoints.delete(id);
    try {
      await this.control.command(`DEL_ONION ${id}`, { signal: opts.signal });
    } catch (err) {
      if (err instanceof TorError && err.status === 552) return; // "Unknown Onion Service id"
      throw err;
    }
  }

  /**
   * Make before break: the new endpoint is up (descriptor uploaded) before the old one goes.
   * DEL_ONION closes the old endpoint's circuits, links on it included; with `keepOld` the caller
   * removes the old one itself once its links have moved to the new endpoint.
   */
  async rotate(oldServiceId: string, opts: CreateEndpointOptions & { keepOld?: boolean }): Promise<OnionEndpoint> {
    const oldId = toServiceId(oldServiceId);
    const fresh = await this.create(opts);
    if (!opts.keepOld) await this.remove(oldId);
    return fresh;
  }

  private addOnionCommand(opts: CreateEndpointOptions): string {
    const keys = opts.clientAuthPublicKeys;
    if (!Array.isArray(keys) || keys.length > this.maxClientAuthKeys) {
      throw TorError.BAD_INPUT(`clientAuthPublicKeys must be an array of at most ${this.maxClientAuthKeys} keys`);
    }
    keys.forEach((k, i) => assertX25519Key(k, `clientAuthPublicKeys[${i}]`));
    const { host, port } = opts.target ?? {};
    if (typeof host !== 'string' || !/^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$|^\[[0-9a-fA-F:]+\]$/.test(host)) {
      throw TorError.BAD_INPUT(`target host must be a literal IP address, got ${JSON.stringify(host)}`);
    }
    for (const [what, p] of [['target port', port], ['virtual port', opts.virtualPort]] as const) {
      if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535) throw TorError.BAD_INPUT(`bad ${what} ${String(p)}`);
    }
    // DiscardPK: tor makes the key and forgets it on DEL_ONION; endpoints are never reused, a
    // new session gets a new onion, so a key on disk would only be something to steal.
    const key = opts.serviceKey;
    if (key !== undefined && key !== 'new' && !SERVICE_KEY.test(key)) throw TorError.BAD_INPUT('serviceKey must be "new" or ED25519-V3:<base64>');
    const flags = key === undefined ? ['DiscardPK'] : [];
    if (keys.length > 0) flags.push('V3Auth'); // without V3Auth tor rejects ClientAuthV3
    if (this.detach) flags.push('Detach');
    const auth = keys.map((k) => ` ClientAuthV3=${base32Encode(k)}`).join('');
    const keyArg = key === undefined || key === 'new' ? 'NEW:ED25519-V3' : key;
    const flagArg = flags.length > 0 ? ` Flags=${flags.join(',')}` : '';
    return `ADD_ONION ${keyArg}${flagArg}${auth} Port=${opts.virtualPort},${host}:${port}`;
  }

  private async createNow(command: string, opts: CreateEndpointOptions): Promise<OnionEndpoint> {
    // Listen before ADD_ONION: the UPLOADED event must not slip between the reply and our listener.
    const uploaded = new Set<string>();
    let wake: (() => void) | null = null;
    const onUpload = (address: string) => {
      uploaded.add(address);
      wake?.();
    };
    this.uploadWatchers.add(onUpload);
    const unsubscribe = await this.control.subscribe('HS_DESC', { signal: opts.signal }).catch((err: unknown) => {
      this.uploadWatchers.delete(onUpload);
      throw err;
    });
    let serviceId: string | null = null;
    try {
      const started = this.now();
      const reply = await this.control.command(command, { signal: opts.signal });
      let privateKey: string | undefined;
      for (const line of reply.lines) {
        if (line.text.startsWith('ServiceID=')) serviceId = line.text.slice('ServiceID='.length);
        if (line.text.startsWith('PrivateKey=')) privateKey = line.text.slice('PrivateKey='.length);
      }
      if (!isServiceId(serviceId)) throw TorError.CONTROL_PROTOCOL(`ADD_ONION reply without a v3 ServiceID: ${JSON.stringify(reply.lines.map((l) => l.text))}`);
      const id = serviceId;
      await new Promise<void>((resolve, reject) => {
        const finish = (err: Error | null) => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.closeWatchers.delete(onClose);
          wake = null;
          if (err) reject(err);
          else resolve();
        };
        const onAbort = () => finish(TorError.ABORTED('onion creation'));
        const onClose = (err: TorError) => finish(err);
        const timer = setTimeout(() => finish(TorError.ONION_UPLOAD_TIMEOUT(id, this.uploadTimeoutMs)), this.uploadTimeoutMs);
        wake = () => {
          if (uploaded.has(id)) finish(null);
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        this.closeWatchers.add(onClose);
        if (this.control.closed) onClose(TorError.CONTROL_CLOSED());
        wake();
        if (opts.signal?.aborted) onAbort();
      });
      const endpoint: OnionEndpoint = {
        serviceId: id,
        address: `${id}.onion`,
        virtualPort: opts.virtualPort,
        target: { host: opts.target.host, port: opts.target.port },
        clientAuthPublicKeys: opts.clientAuthPublicKeys.map((k) => Uint8Array.from(k)),
        detached: this.detach,
        uploadMs: this.now() - started,
        createdAt: this.now(),
        ...(privateKey !== undefined && SERVICE_KEY.test(privateKey) ? { privateKey } : {}),
      };
      this.endpoints.set(id, endpoint);
      return endpoint;
    } catch (err) {
      // An onion we will not hand out must not stay up announcing itself.
      if (serviceId !== null && !this.control.closed) await this.control.command(`DEL_ONION ${serviceId}`).catch(() => {});
      throw err;
    } finally {
      this.uploadWatchers.delete(onUpload);
      await unsubscribe().catch(() => {});
    }
  }
}
