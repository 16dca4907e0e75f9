// Builds the core's ports (ports.ts) from the real parts: TorProcess + OnionEndpoints + SOCKS
// (src/main/tor), Registry over gateways reached through tor (src/main/registry), ContactLink over
// secret-stream (src/main/link). The only file of the core that knows their APIs.
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { otherRole } from '../../protocol/index.ts';
import {
  TorProcess, OnionEndpoints, addClientAuth, removeClientAuth, connectOnion, findTorBinary, socksConnect, toServiceId,
} from '../tor/index.ts';
import {
  Registry, gatewayTransportOverTor, type ContactSighting, type OwnState, type PlanStore, type RegistryContact, type RegistryTimings,
} from '../registry/index.ts';
import { ContactLink, type LinkCloseInfo } from '../link/index.ts';
import type { Frame } from '../../protocol/frames.ts';
import type { Clock } from './clock.ts';
import type {
  BootstrapProgress, FoundEntry, LinkClosed, LinkFactory, LinkPort, Pairing, PublishedValue, RawRecord, RegistryPort, TorPort,
} from './ports.ts';
import type { CoreServicesFactory } from './sotto-core.ts';
import { ENDPOINT_VIRTUAL_PORT } from './rendezvous.ts';
import { LiveGatewayTransport, type GatewayListSource } from './live-gateways.ts';

export interface TorPortOptions {
  /** The profile's tor DataDirectory (kept between runs: warm starts take seconds, DESIGN D5). */
  dataDir: string;
  torPath?: string;
  /** Electron's process.resourcesPath: bundled tor under tor/<platform>-<arch>/. */
  resourcesDir?: string;
  /** An installed app (findTorBinary `packaged`): PATH is never searched. */
  packaged?: boolean;
  /** false: do not look on PATH at all (the network setting names one tor: network-settings.ts). */
  searchPath?: boolean;
  /** Extra torrc lines (the testbed's clientTorrc). */
  extraTorrc?: string[];
  /** Give up one outbound onion connect attempt series after this long. */
  connectTimeoutMs?: number;
  /** Waits between onion connect attempts while a fresh descriptor propagates. */
  connectBackoffsMs?: number[];
  uploadTimeoutMs?: number;
}

class RealTor implements TorPort {
  private process: TorProcess | null = null;
  private endpoints: OnionEndpoints | null = null;
  private readonly restartListeners: (() => void)[] = [];
  private readonly readyListeners: (() => void)[] = [];
  constructor(private readonly o: TorPortOptions) {}

  async start(onProgress: (p: BootstrapProgress) => void): Promise<void> {
    const torPath = await findTorBinary({
      configured: this.o.torPath, resourcesDir: this.o.resourcesDir, platform: process.platform, arch: process.arch,
      pathEnv: this.o.searchPath === false ? undefined : process.env.PATH, ...(this.o.packaged === undefined ? {} : { packaged: this.o.packaged }),
    });
    const proc = new TorProcess({ torPath, dataDir: this.o.dataDir, extraTorrc: this.o.extraTorrc ?? [] });
    this.process = proc;
    proc.on('bootstrap', (s) => onProgress({ progress: s.progress, summary: s.summary }));
    proc.on('restarted', (control) => {
      this.endpoints = new OnionEndpoints({ control, ...(this.o.uploadTimeoutMs ? { uploadTimeoutMs: this.o.uploadTimeoutMs } : {}) });
      for (const l of this.restartListeners) l();
    });
    await proc.start();
    await proc.waitBootstrapped();
    this.endpoints = new OnionEndpoints({ control: proc.control, ...(this.o.uploadTimeoutMs ? { uploadTimeoutMs: this.o.uploadTimeoutMs } : {}) });
    for (const l of this.readyListeners) l();
  }

  onRestart(listener: () => void): void { this.restartListeners.push(listener); }
  /** Tor bootstrapped (each start): the registry starts then, with or without contacts. */
  onReady(listener: () => void): void { this.readyListeners.push(listener); }

  get socksPort(): number {
    const port = this.process?.socksPort;
    if (!port) throw new Error('tor is not running');
    return port;
  }

  async addEndpoint(opts: { clientAuthPublicKeys: Uint8Array[]; target: { host: string; port: number }; signal?: AbortSignal }): Promise<{ onion: string }> {
    if (!this.endpoints) throw new Error('tor is not running');
    const ep = await this.endpoints.create({ ...opts, virtualPort: ENDPOINT_VIRTUAL_PORT });
    return { onion: ep.address };
  }

  async removeEndpoint(onion: string): Promise<void> {
    await this.endpoints?.remove(toServiceId(onion));
  }

  async connect(opts: { onion: string; port: number; clientAuthSecretKey: Uint8Array; isolation: string; signal?: AbortSignal }): Promise<Duplex> {
    if (!this.process) throw new Error('tor is not running');
    const serviceId = toServiceId(opts.onion);
    await addClientAuth(this.process.control, serviceId, opts.clientAuthSecretKey);
    return connectOnion({
      socksPort: this.socksPort, serviceId, port: opts.port, isolation: opts.isolation, signal: opts.signal,
      ...(this.o.connectBackoffsMs ? { backoffsMs: this.o.connectBackoffsMs } : {}),
      ...(this.o.connectTimeoutMs ? { timeoutMs: this.o.connectTimeoutMs } : {}),
    });
  }

  async forgetClientAuth(onion: string): Promise<void> {
    if (this.process?.running) await removeClientAuth(this.process.control, toServiceId(onion));
  }

  async stop(): Promise<void> {
    const p = this.process;
    this.process = null;
    this.endpoints = null;
    await p?.stop();
  }

  /** For the registry transport: SOCKS through this tor. */
  socks(): number { return this.socksPort; }
}

/**
 * The registry keeps one pairing list; the core talks in pairings. Changes are coalesced for
 * `coalesceMs` into one list hand-over; a hand-over writes nothing by itself (each registry slot
 * picks changes up at its own next write, src/main/registry/publisher.ts). Entries come from the
 * registry's lookup sweeps, handed to each pairing's watcher: there is no per-contact lookup.
 */
class RegistryAdapter implements RegistryPort {
  private readonly contacts = new Map<string, RegistryContact>();
  private readonly linked = new Set<string>();
  /** Pairings whose link of this session dropped: findable at once from then on. */
  private readonly dropped = new Set<string>();
  private readonly pairings = new Map<string, Pairing>();
  private readonly watchers = new Map<string, Set<(entry: FoundEntry | null) => void>>();
  private state: OwnState = 'online';
  private flushTimer: unknown = null;
  private started = false;
  private stopping = false;
  /** Tor is up (begin) / the core registered every pairing of the unlock (registeredAll). */
  private begun = false;
  private allRegistered = false;
  constructor(private readonly registry: Registry, private readonly clock: Clock, private readonly o: { endpointLifetimeMs: number; coalesceMs: number; offlineBudgetMs: number; startSettleMs: number }) {
    registry.events.on('sightings', (found) => this.dispatch(found));
    registry.events.on('first-sighting', (s) => this.dispatch(new Map([[s.contactId, s]])));
  }

  async publish(pairing: Pairing, value: PublishedValue): Promise<void> {
    const c: RegistryContact = {
      id: pairing.id, sharedKey: pairing.sharedKey, ownRole: pairing.ownRole, peerRole: otherRole(pairing.ownRole),
      peerIdentityPk: pairing.peerIdentityPk ?? undefined,
      visible: value.kind === 'endpoint',
      urgent: this.urgent(pairing),
      endpoint: value.kind === 'endpoint'
        ? { onion: value.onion, port: ENDPOINT_VIRTUAL_PORT, expiresAt: this.clock.now() + this.o.endpointLifetimeMs }
        : undefined,
    };
    this.pairings.set(pairing.id, pairing);
    this.contacts.set(pairing.id, c);
    if (value.kind === 'endpoint' && value.state !== this.state) {
      this.state = value.state;
      this.registry.setOwnState(value.state);
    }
    this.scheduleFlush();
  }

  async drop(pairingId: string): Promise<void> {
    this.pairings.delete(pairingId);
    this.dropped.delete(pairingId);
    if (this.contacts.delete(pairingId)) this.scheduleFlush();
  }

  writeOnce(records: readonly RawRecord[]): void {
    if (this.stopping) return;
    void this.registry.writeOnce(records).catch(() => undefined);
  }

  watchKeys(id: string, keys: readonly Uint8Array[], listener: (record: RawRecord) => void): () => void {
    if (this.stopping) return () => undefined;
    return this.registry.watchKeys(id, keys, listener);
  }

  /** No link, and either not met yet or its link of this session dropped (ports.ts firstMeeting). */
  private urgent(p: Pairing): boolean {
    return !this.linked.has(p.id) && (p.firstMeeting !== false || this.dropped.has(p.id));
  }

  watch(pairing: Pairing, listener: (entry: FoundEntry | null) => void, opts?: { visible: boolean }): () => void {
    if (!this.contacts.has(pairing.id)) {
      // Known before its endpoint is up (a member writes noise until then): the plan counts it.
      this.pairings.set(pairing.id, pairing);
      this.contacts.set(pairing.id, {
        id: pairing.id, sharedKey: pairing.sharedKey, ownRole: pairing.ownRole, peerRole: otherRole(pairing.ownRole),
        peerIdentityPk: pairing.peerIdentityPk ?? undefined, visible: opts?.visible ?? false, urgent: this.urgent(pairing), endpoint: undefined,
      });
      this.scheduleFlush();
    }
    const set = this.watchers.get(pairing.id) ?? new Set();
    this.watchers.set(pairing.id, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.watchers.get(pairing.id) === set) this.watchers.delete(pairing.id);
    };
  }

  setLinked(pairingId: string, linked: boolean): void {
    if (linked) this.linked.add(pairingId);
    else if (this.linked.delete(pairingId)) this.dropped.add(pairingId);
    const c = this.contacts.get(pairingId);
    const p = this.pairings.get(pairingId);
    if (c && p && c.urgent !== this.urgent(p)) {
      this.contacts.set(pairingId, { ...c, urgent: this.urgent(p) });
      this.scheduleFlush();
    }
  }

  /**
   * Tor came back: the endpoints died with the old tor (the channels make new ones now), so the
   * registry is told they are gone and writes again once the new ones are up (within the spread
   * window); a sweep runs now.
   */
  recovered(): void {
    if (!this.started || this.stopping) return;
    for (const [id, c] of this.contacts) if (c.endpoint !== undefined) this.contacts.set(id, { ...c, endpoint: undefined });
    this.registry.setContacts([...this.contacts.values()]);
    this.registry.recovered();
  }

  private dispatch(found: Map<string, ContactSighting | null>): void {
    for (const [id, listeners] of this.watchers) {
      if (!found.has(id)) continue; // not handed over yet: the next sweep has it
      const s = found.get(id) ?? null;
      const entry: FoundEntry | null = s ? { onion: s.onion, timestamp: s.timestamp, gone: s.state === 'gone', state: s.state } : null;
      for (const l of [...listeners]) l(entry);
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null || this.stopping) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = null;
      this.handOver();
    }, this.started ? this.o.coalesceMs : this.o.startSettleMs);
  }

  private handOver(): void {
    this.registry.setContacts([...this.contacts.values()]);
    if (this.started) return;
    this.started = true;
    void this.registry.start().catch(() => undefined);
  }

  /**
   * Starts the schedule once tor runs, also with no pairing at all: a profile without contacts
   * writes and reads exactly what one with a contact does (issue 10: 0 contacts wrote nothing).
   */
  begin(): void {
    if (this.started || this.stopping) return;
    this.begun = true;
    if (this.allRegistered) { this.handOver(); return; }
    // The core starts every channel right after tor is up; each registers its pairing at once.
    // Wait at most that long (startSettleMs) so the first hour's plan counts all of them.
    this.clock.setTimeout(() => { if (!this.started && !this.stopping) this.handOver(); }, this.o.startSettleMs);
  }

  /**
   * Every pairing of the unlock is registered: the plan can count them all now, so the schedule
   * starts at once and its first padded sweep (the same sweep the fixed-rate schedule runs) finds
   * contacts already online without waiting for startSettleMs (issue 11 item 1).
   */
  registeredAll(): void {
    this.allRegistered = true;
    if (this.begun && !this.started && !this.stopping) this.handOver();
  }

  async stop(opts: { gone: boolean }): Promise<void> {
    this.stopping = true;
    if (this.flushTimer !== null) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (opts.gone && this.started) {
      // Bounded: one stalled Tor stream (seen ~1 in 100 on the testbed) must not hold quit for the
      // transport's 30 s request timeout; close() below aborts whatever is still in flight.
      let timer: unknown = null;
      await Promise.race([
        this.registry.goOffline().catch(() => undefined),
        new Promise<void>((resolve) => { timer = this.clock.setTimeout(resolve, this.o.offlineBudgetMs); }),
      ]);
      if (timer !== null) this.clock.clearTimeout(timer);
    }
    await this.registry.close();
  }
}

export interface LinkFactoryOptions {
  clock: Clock;
  keepaliveMs?: number;
  deadPeerMs?: number;
  handshakeTimeoutMs?: number;
}

/** Receipts and typing are opt-in per contact; announcing them only says this build has them. */
const CAPABILITIES = ['receipts', 'typing'];

export function contactLinkFactory(o: LinkFactoryOptions): LinkFactory {
  return {
    open: ({ stream, initiator, identity, expectedPeer, displayName, acceptPeer }) => new Promise<LinkPort>((resolve, reject) => {
      const link = new ContactLink({
        socket: stream, initiator, identity: { publicKey: identity.publicKey, secretKey: identity.secretKey },
        ...(expectedPeer ? { expectedPeer } : { acceptPeer: acceptPeer ?? (() => true) }),
        hello: { displayName, capabilities: CAPABILITIES },
        timers: { setTimeout: (fn, ms) => o.clock.setTimeout(fn, ms), clearTimeout: (h) => o.clock.clearTimeout(h) },
        random: o.clock.random, now: o.clock.now,
        ...(o.keepaliveMs ? { keepaliveMs: o.keepaliveMs } : {}),
        ...(o.deadPeerMs ? { deadPeerMs: o.deadPeerMs } : {}),
        ...(o.handshakeTimeoutMs ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      });
      // Frames that arrive in the same chunk as the peer's hello are emitted before our promise
      // continuation runs; buffer them until the owner registers (measured: the first presence
      // and a queued message were lost this way on reconnect).
      let frameListener: ((frame: Frame) => void) | null = null;
      const early: Frame[] = [];
      link.on('frame', (frame) => (frameListener ? frameListener(frame) : early.push(frame)));
      let closeListener: ((info: LinkClosed) => void) | null = null;
      let closedWith: LinkClosed | null = null;
      const failed = (info: LinkCloseInfo): void => reject(info.error);
      link.once('close', failed);
      link.once('open', (info) => {
        link.off('close', failed);
        link.on('close', (c) => {
          closedWith = c.code === 'LINK_REMOTE_BYE' && c.reason
            ? { reason: c.reason, code: c.code, local: false }
            : { reason: 'error', error: c.error, code: c.code, local: c.local };
          closeListener?.(closedWith);
        });
        resolve({
          remotePublicKey: info.peer,
          initiator,
          peerName: info.hello.displayName,
          send: (frame: Frame) => link.send(frame).catch(() => undefined),
          close: (reason) => { void link.close(reason); },
          ping: () => link.ping(),
          onFrame: (listener) => {
            frameListener = listener;
            for (const f of early.splice(0)) listener(f);
          },
          onClose: (listener) => {
            const previous = closeListener;
            closeListener = (c) => { previous?.(c); listener(c); };
            if (closedWith) listener(closedWith);
          },
        });
      });
    }),
  };
}

export interface RealServicesOptions {
  /**
   * Gateway base URLs reached through tor, e.g. `http://<56>.onion:80` (testbed: gateways[].onion),
   * or a list that may change while the profile runs (the profile's network settings).
   */
  gateways: string[] | GatewayListSource;
  /** Each request's outcome per gateway (network-settings.ts shows it as health). */
  observeGateway?: (gateway: string, ok: boolean, code?: string) => void;
  /** Extra torrc lines (testbed: clientTorrc). */
  torrc?: string[];
  torPath?: string;
  /** Registry schedule; tests pass short ones. */
  registryTimings?: Partial<RegistryTimings>;
  replicas?: number;
  link?: Omit<LinkFactoryOptions, 'clock'>;
  tor?: Omit<TorPortOptions, 'dataDir' | 'torPath' | 'extraTorrc'>;
  endpointLifetimeMs?: number;
  coalesceMs?: number;
}

const PLANS_SETTING = 'registry.plans';

/** The production (and integration-test) services: tor per profile, registry via gateways over tor. */
export function realServices(o: RealServicesOptions): CoreServicesFactory {
  return async ({ profileDir, identity, clock, onWarning, settings }) => {
    const tor = new RealTor({ dataDir: join(profileDir, 'tor'), ...(o.torPath ? { torPath: o.torPath } : {}), extraTorrc: o.torrc ?? [], ...o.tor });
    const overTor = (list: readonly string[]) => gatewayTransportOverTor({
      gateways: list.map((g) => (g.startsWith('http://') ? g : `http://${g}`)), socksConnect, socksPort: () => tor.socks(),
      ...(o.observeGateway ? { observe: o.observeGateway } : {}),
    });
    let onSwitch = (): void => undefined;
    const transport = Array.isArray(o.gateways)
      ? overTor(o.gateways)
      : new LiveGatewayTransport({ source: o.gateways, build: overTor, onSwitch: () => onSwitch() });
    // Hour plans are kept in the encrypted profile store: a restart within the hour writes the
    // same key set (src/main/registry/hour-plan.ts).
    const plans: PlanStore | undefined = settings
      ? { load: () => settings.get(PLANS_SETTING), save: (snapshot) => settings.set(PLANS_SETTING, snapshot) }
      : undefined;
    const registry = new Registry({
      // The SOCKS port is read per request: after a tor restart it may be another (issue 10 item 4).
      transport,
      ...(plans ? { plans } : {}),
      identity,
      ...(o.replicas ? { replicas: o.replicas } : {}),
      ...(o.registryTimings ? { timings: o.registryTimings } : {}),
      env: { now: clock.now, randomBytes: clock.randomBytes, timers: { setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } },
    });
    registry.events.on('error', (err) => onWarning(err.code, err.message));
    const adapter = new RegistryAdapter(registry, clock, { endpointLifetimeMs: o.endpointLifetimeMs ?? 25 * 3600_000, coalesceMs: o.coalesceMs ?? 50, offlineBudgetMs: 8_000, startSettleMs: 1_000 });
    tor.onReady(() => adapter.begin());
    // Tor restarted (crash or kill): the registry re-writes its slots and sweeps now.
    tor.onRestart(() => adapter.recovered());
    // New gateways (settings, an accepted invitation): slots are written and a sweep runs through them now.
    onSwitch = () => adapter.recovered();
    const registryPort: RegistryPort = adapter;
    return { tor, registry: registryPort, links: contactLinkFactory({ clock, ...o.link }) };
  };
}
