// Services for unit tests of the core without a Tor network: "onions" are loopback TCP forwards
// that keep Tor's observable rules (an endpoint answers only a client holding the secret half of
// one of its client-auth keys; removing it refuses new streams but leaves established ones up,
// as measured in tor.int.test.ts), and the registry is one in-memory board of entries keyed by
// (shared key, publishing role) like the real X_AB. Links are the real ContactLink over TCP.
// What this cannot show (descriptor propagation, circuits, gateways) the *.int.test.ts files do.
import { connect, type Socket } from 'node:net';
import sodium from 'libsodium-wrappers-sumo';
import { CodedError, equalBytes, onionAddressFromPublicKey, otherRole, toHex } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';
import type { FoundEntry, Pairing, PublishedValue, RawRecord, RegistryPort, TorPort } from './ports.ts';
import type { CoreServicesFactory } from './sotto-core.ts';
import { contactLinkFactory } from './wiring.ts';

export class LoopbackError extends CodedError<string> {
  override readonly name = 'LoopbackError';
}

interface Endpoint { target: { host: string; port: number }; keys: Uint8Array[]; owner: string }

/** The shared "network": onions and registry entries of every core in the test. */
export class LoopbackNetwork {
  readonly endpoints = new Map<string, Endpoint>();
  /** key = hex(shared key) + '/' + publishing role. */
  readonly board = new Map<string, { value: PublishedValue; timestamp: number; owner: string }>();
  /** Records written once (RegistryPort.writeOnce: an invitation's tombstone), by public key hex; the highest seq stays, as on the DHT. */
  readonly records = new Map<string, RawRecord>();
  /** Every outbound connect attempt: who (identity hex), to which onion, and whether it got through. */
  readonly dials: { from: string; onion: string; ok: boolean }[] = [];
  /** Sweeps each core has made (by identity hex): a test that waits for "nothing happens" waits for sweeps. */
  readonly sweeps = new Map<string, number>();
  private readonly sweepWaiters = new Set<() => void>();
  /** Identities whose outbound connects fail (so a test decides who dials whom). */
  readonly refuseDialsFrom = new Set<string>();
  /** Established streams per onion; they outlive the endpoint's removal, like rendezvous circuits. */
  private readonly streams = new Map<string, Set<Socket>>();

  /** Resolves once each of `owners` (identity hex) has swept `n` more times (and acted on what it found). */
  afterSweeps(owners: readonly string[], n: number): Promise<void> {
    const target = new Map(owners.map((o) => [o, (this.sweeps.get(o) ?? 0) + n]));
    const done = (): boolean => [...target].every(([o, t]) => (this.sweeps.get(o) ?? 0) >= t);
    return new Promise((resolve) => {
      // The cores' timers do not hold the process open (unref'd); this wait does, until it ends.
      const keepAlive = setInterval(() => undefined, 1_000);
      const wake = (): void => {
        if (!done()) return;
        clearInterval(keepAlive);
        this.sweepWaiters.delete(wake);
        resolve();
      };
      this.sweepWaiters.add(wake);
    });
  }
  private n = 0;

  /** A well-formed v3 address (a session endpoint travels as its key), one per call. */
  newOnion(): string {
    const key = new Uint8Array(32).fill(0xbb);
    new DataView(key.buffer).setUint32(0, this.n++);
    return onionAddressFromPublicKey(key);
  }

  /** Cuts every established stream to `onion` (a circuit dying), as if the network dropped it. */
  dropStreams(onion: string): void {
    for (const s of this.streams.get(onion) ?? []) s.destroy();
  }

  /** Every onion that still has an established stream (removed endpoints included, as in tor). */
  onionsWithStreams(): string[] {
    return [...this.streams].filter(([, set]) => set.size > 0).map(([onion]) => onion);
  }

  /** What a core (by identity key hex) still has out there: live endpoints and registry entries. */
  footprint(ownerHex: string): { endpoints: string[]; entries: PublishedValue[] } {
    return {
      endpoints: [...this.endpoints].filter(([, e]) => e.owner === ownerHex).map(([onion]) => onion),
      entries: [...this.board.values()].filter((e) => e.owner === ownerHex).map((e) => e.value),
    };
  }

  /** Entries anyone could still read under this key (both roles). */
  entriesUnder(sharedKey: Uint8Array): PublishedValue[] {
    const hex = toHex(sharedKey);
    return [0, 1].map((r) => this.board.get(`${hex}/${r}`)?.value).filter((v): v is PublishedValue => v !== undefined);
  }

  services(o: { clock: Clock; link?: { keepaliveMs?: number; deadPeerMs?: number }; sweepMs?: number } & { onTor?: (tor: TorPort) => void }): CoreServicesFactory {
    return async ({ clock, identity }) => {
      const owner = toHex(identity.publicKey);
      const mine = new Set<string>();
      const byId = new Map<string, string>();
      const onions = new Set<string>();
      const streams = new Set<Socket>();
      const tor: TorPort = {
        start: async (onProgress) => { onProgress({ progress: 100, summary: 'loopback' }); },
        onRestart: () => undefined,
        addEndpoint: async ({ clientAuthPublicKeys, target }) => {
          const onion = this.newOnion();
          this.endpoints.set(onion, { target, keys: clientAuthPublicKeys.map((k) => k.slice()), owner });
          onions.add(onion);
          return { onion };
        },
        removeEndpoint: async (onion) => { this.endpoints.delete(onion); onions.delete(onion); },
        connect: async ({ onion, clientAuthSecretKey }) => {
          const ep = this.endpoints.get(onion);
          const refuse = (code: string, message: string): never => {
            this.dials.push({ from: owner, onion, ok: false });
            throw new LoopbackError(code, message);
          };
          if (!ep) return refuse('ONION_DESC_NOT_FOUND', `no endpoint ${onion}`);
          if (this.refuseDialsFrom.has(owner)) return refuse('ONION_INTRO_FAILED', `${onion}: dials from this core are refused`);
          const pk = sodium.crypto_scalarmult_base(clientAuthSecretKey);
          if (!ep.keys.some((k) => equalBytes(k, pk))) return refuse('ONION_BAD_CLIENT_AUTH', `wrong client auth for ${onion}`);
          this.dials.push({ from: owner, onion, ok: true });
          const socket = connect(ep.target.port, ep.target.host);
          await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
          const perOnion = this.streams.get(onion) ?? new Set<Socket>();
          this.streams.set(onion, perOnion);
          perOnion.add(socket);
          streams.add(socket);
          socket.once('close', () => { perOnion.delete(socket); streams.delete(socket); });
          return socket;
        },
        forgetClientAuth: async () => undefined,
        stop: async () => {
          // Tor exiting: every endpoint and stream of this core goes.
          for (const onion of onions) { this.dropStreams(onion); this.endpoints.delete(onion); }
          for (const s of streams) s.destroy();
        },
      };
      o.onTor?.(tor);
      const key = (p: Pairing, role: number): string => `${toHex(p.sharedKey)}/${role}`;
      const watchers = new Set<{ pairing: Pairing; listener: (e: FoundEntry | null) => void }>();
      const keyWatchers = new Map<string, { keys: readonly Uint8Array[]; listener: (r: RawRecord) => void }>();
      let sweepTimer: unknown = null;
      let stopped = false;
      const found = (p: Pairing): FoundEntry | null => {
        const e = this.board.get(key(p, otherRole(p.ownRole)));
        if (!e || e.value.kind === 'hidden') return null;
        return e.value.kind === 'gone'
          ? { onion: '', timestamp: e.timestamp, gone: true, state: 'gone' }
          : { onion: e.value.onion, timestamp: e.timestamp, gone: false, state: e.value.state };
      };
      const sweep = (): void => {
        sweepTimer = null;
        if (stopped) return;
        for (const w of [...watchers]) w.listener(found(w.pairing));
        for (const w of [...keyWatchers.values()]) {
          for (const k of w.keys) {
            const r = this.records.get(toHex(k));
            if (r) w.listener(r);
          }
        }
        const owner = toHex(identity.publicKey);
        this.sweeps.set(owner, (this.sweeps.get(owner) ?? 0) + 1);
        for (const wake of [...this.sweepWaiters]) wake();
        sweepTimer = clock.setTimeout(sweep, o.sweepMs ?? 100);
      };
      const registry: RegistryPort = {
        publish: async (p, value) => {
          const k = key(p, p.ownRole);
          byId.set(p.id, k);
          mine.add(k);
          this.board.set(k, { value, timestamp: clock.now(), owner });
        },
        // Stop publishing: the real registry writes dummies in its place from then on, so nobody
        // finds anything under that key any more.
        drop: async (pairingId) => {
          const k = byId.get(pairingId);
          byId.delete(pairingId);
          if (k === undefined) return;
          mine.delete(k);
          this.board.delete(k);
        },
        // One sweep over every watched pairing per period, like the real registry's sweeps.
        watch: (p, listener) => {
          const entry = { pairing: p, listener };
          watchers.add(entry);
          if (sweepTimer === null) sweepTimer = clock.setTimeout(sweep, 0);
          return () => { watchers.delete(entry); };
        },
        setLinked: () => undefined,
        writeOnce: (records) => {
          for (const r of records) {
            const k = toHex(r.publicKey);
            if ((this.records.get(k)?.seq ?? -1) < r.seq) this.records.set(k, r);
          }
        },
        // Read in every sweep, like the real registry's padded sweep.
        watchKeys: (id, keys, listener) => {
          const entry = { keys, listener };
          keyWatchers.set(id, entry);
          if (sweepTimer === null) sweepTimer = clock.setTimeout(sweep, 0);
          return () => { if (keyWatchers.get(id) === entry) keyWatchers.delete(id); };
        },
        stop: async ({ gone }) => {
          stopped = true;
          if (sweepTimer !== null) clock.clearTimeout(sweepTimer);
          for (const k of mine) {
            const e = this.board.get(k);
            if (e && gone) this.board.set(k, { ...e, value: { kind: 'gone' }, timestamp: clock.now() });
          }
        },
      };
      return { tor, registry, links: contactLinkFactory({ clock, ...o.link }) };
    };
  }
}
