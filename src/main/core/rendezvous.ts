// One pairing's meeting point (the paper's put/get, DESIGN D4-D6): our onion endpoint for this
// contact (client auth from K and our role), our registry entry pointing at it, and a dial to the
// peer's endpoint when the registry's lookup sweep (one fixed-rate schedule for all pairings,
// docs/PROTOCOL.md "Registry schedule") brings a fresh entry of theirs. No lookup of its own. Every stream that
// completes the Noise handshake with the expected identity is handed up as a LinkPort; which link
// survives (one per contact) is the owner's decision.
import { setMaxListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientAuthKeyPair, otherRole, publicKeyFromOnionAddress, type Identity } from '../../protocol/index.ts';
import type { FoundEntry, LinkFactory, LinkPort, Pairing, PublishedValue, RegistryPort, TorPort } from './ports.ts';
import type { Visibility } from './visibility.ts';
import type { Clock } from './clock.ts';
import { peerFaultCode } from './link-faults.ts';
import type { EndpointGroups, GroupMember } from './endpoint-groups.ts';

/** The virtual port of every endpoint; the onion address alone says which contact it serves. */
export const ENDPOINT_VIRTUAL_PORT = 1;

export interface RendezvousTimings {
  /**
   * Base of the back-off before the same entry (same onion, same timestamp) is dialed again after
   * a failed dial; a new entry is dialed at once. The loopback test registry also sweeps at this rate.
   */
  lookupIntervalMs: number;
  /** Cap of the doubling back-off. */
  lookupMaxIntervalMs: number;
  /** Give up one outbound attempt (connect + handshake) after this long. */
  connectTimeoutMs: number;
  /**
   * An entry older than this is not worth a dial. A slot may re-put one value for its whole hour
   * (src/main/registry/publisher.ts), so ~65 min old is still current. Age never makes anyone
   * online: only a link does (presence.ts).
   */
  entryFreshMs: number;
  /**
   * A remembered endpoint (the peer's, from a run that stopped with the link up) is dialed at the
   * next start only within this long of when it was seen: endpoints rotate every 24 h.
   */
  rememberedFreshMs: number;
}

/**
 * Where the peer was reachable when our last run stopped with a link to it up (docs/ARCHITECTURE.md
 * "Returning to a contact"): dialed once at the next start, beside the first lookup sweep.
 */
export interface RememberedEndpoint { onion: string; seenAt: number }

/** A remembered endpoint read back from the store, or null when it is absent or malformed. */
export function rememberedEndpointOf(value: unknown): RememberedEndpoint | null {
  if (typeof value !== 'object' || value === null) return null;
  const { onion, seenAt } = value as Record<string, unknown>;
  if (typeof onion !== 'string' || typeof seenAt !== 'number' || !Number.isFinite(seenAt)) return null;
  try {
    publicKeyFromOnionAddress(onion);
  } catch {
    return null;
  }
  return { onion, seenAt };
}

export const DEFAULT_RENDEZVOUS_TIMINGS: RendezvousTimings = {
  lookupIntervalMs: 60_000,
  lookupMaxIntervalMs: 10 * 60_000,
  connectTimeoutMs: 60_000,
  entryFreshMs: 90 * 60_000,
  rememberedFreshMs: 24 * 3_600_000,
};

export interface RendezvousOptions {
  pairing: Pairing;
  /** The peer's identity key, or null while an open invitation waits for an unknown redeemer. */
  expectedPeer: Uint8Array | null;
  identity: Identity;
  displayName: () => string;
  tor: TorPort;
  registry: RegistryPort;
  links: LinkFactory;
  clock: Clock;
  timings: RendezvousTimings;
  onLink(link: LinkPort): void;
  onEntry(entry: FoundEntry | null): void;
  onWarning(code: string, message: string): void;
  /** The peer's endpoint from our last run, dialed once at start (a confirmed contact's main pairing only). */
  remembered?: RememberedEndpoint | null;
  /** What to remember for the next start now (null: nothing); the owner persists it. */
  onRemember?(endpoint: RememberedEndpoint | null): void;
  /**
   * Large address book (DESIGN D5): serve this pairing from a shared group endpoint instead of an
   * onion and listener of its own. Absent: one endpoint per pairing, exactly as before.
   */
  groups?: EndpointGroups | null;
}

export class Rendezvous {
  readonly pairing: Pairing;
  private readonly o: RendezvousOptions;
  private server: Server | null = null;
  private localPort = 0;
  private onion: string | null = null;
  private peerOnion: string | null = null;
  private visibility: Visibility = { kind: 'hidden' };
  private linkUp = false;
  private stopped = false;
  /** Stopped with lastWord: links still in their handshake at the stop are handed up when done. */
  private lastWord = false;
  /** Sockets whose link handshake (Noise + hello) has not finished yet. */
  private readonly handshaking = new Set<Duplex>();
  /** The onion being dialed, if any. */
  private dialing: string | null = null;
  /** The peer's endpoint as last seen in a fresh entry or reached by a dial. */
  private peerSeen: RememberedEndpoint | null = null;
  /** The onion the owner holds as remembered (what onRemember last said). */
  private rememberedOnion: string | null = null;
  /** The last entry we failed to reach, and when it may be tried again (back-off). */
  private failed: { key: string; failures: number; retryAt: number } | null = null;
  private unwatch: (() => void) | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly abort = new AbortController();
  /** Serialises endpoint changes (visibility flips, rotation, tor restarts). */
  private chain: Promise<void> = Promise.resolve();

  constructor(opts: RendezvousOptions) {
    this.o = opts;
    this.pairing = opts.pairing;
    // Every connect attempt links its timeout to this signal; attempts are sequential, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  get endpoint(): string | null { return this.onion; }

  /** Starts serving; `visibility` hidden publishes a dummy and serves no endpoint. */
  async start(visibility: Visibility): Promise<void> {
    this.watch(visibility);
    const remembered = this.o.remembered ?? null;
    this.rememberedOnion = remembered?.onion ?? null;
    if (remembered && visibility.kind === 'visible') void this.dialRemembered(remembered);
    if (this.o.groups) {
      await this.setVisibility(visibility);
      return;
    }
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => this.o.onWarning('ENDPOINT_SERVER', err.message));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      // stop() while the server is still binding (a lock right after unlock) closes it first:
      // then neither 'listening' nor 'error' ever comes, and the core's shutdown waited forever.
      this.server!.once('close', () => resolve());
      this.server!.listen(0, '127.0.0.1', () => { this.server!.off('error', reject); resolve(); });
    });
    if (this.stopped) return;
    this.localPort = (this.server.address() as { port: number }).port;
    await this.setVisibility(visibility);
  }

  /** The registry's sweeps hand us the peer's newest entry (or null) every lookup period. */
  private watch(visibility: Visibility): void {
    if (this.unwatch !== null || this.stopped) return;
    this.o.registry.setLinked(this.pairing.id, this.linkUp);
    // Registered with the registry at once, before the endpoint exists: the hour's plan counts
    // every pairing from the start (its bucket), not only those whose endpoint is already up.
    this.unwatch = this.o.registry.watch(this.pairing, (entry) => { void this.onSighting(entry); }, { visible: visibility.kind === 'visible' });
  }

  /** Announced state changes re-publish; hidden <-> visible also removes/creates the endpoint. */
  setVisibility(next: Visibility): Promise<void> {
    const run = this.chain.then(() => this.applyVisibility(next));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Make-before-break: a new endpoint is up and published before the old one goes (DESIGN D5). */
  rotate(): Promise<void> {
    // A grouped pairing rotates with its group (EndpointGroups.rotateAll).
    if (this.o.groups) return Promise.resolve();
    const run = this.chain.then(async () => {
      if (this.stopped || this.visibility.kind === 'hidden') return;
      const old = this.onion;
      await this.createEndpoint();
      await this.publish();
      if (old) await this.o.tor.removeEndpoint(old).catch(() => undefined);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Tor came back after a crash: the old onion is gone, make a new one. */
  recreate(): Promise<void> {
    this.onion = null;
    const current = this.visibility;
    this.visibility = { kind: 'hidden' };
    return this.setVisibility(current);
  }

  /** Link state goes to the registry too: a pairing without a link must be findable (publisher "urgent"). */
  setLinkUp(up: boolean): void {
    this.linkUp = up;
    if (!up) this.failed = null;
    if (this.stopped) return;
    this.o.registry.setLinked(this.pairing.id, up);
    // A link that ends while we run (the peer quit, hid, or the circuit died) leaves nothing to
    // come back to; one that is up when we stop is remembered (our stop never gets here).
    if (up) this.remember();
    else this.setRemembered(null);
  }

  /** While linked: the peer's current endpoint is what the next start dials first. */
  private remember(): void {
    if (this.linkUp && this.peerSeen) this.setRemembered(this.peerSeen);
  }

  private setRemembered(endpoint: RememberedEndpoint | null): void {
    if ((endpoint?.onion ?? null) === this.rememberedOnion) return;
    this.rememberedOnion = endpoint?.onion ?? null;
    this.o.onRemember?.(endpoint);
  }

  /**
   * The peer's endpoint from our last run, dialed once beside the first sweep: a contact that
   * stayed online while we were away is reached in one connect instead of a lookup and a connect.
   * Nothing to learn for anyone: we only dial while visible to them, and a peer that left, hid
   * or rotated its endpoint answers as a dead onion does (hide = quit, docs/THREAT-MODEL.md). A
   * failure is not a warning (the contact simply left) and sets no back-off on the sweep's dials.
   */
  private async dialRemembered(endpoint: RememberedEndpoint): Promise<void> {
    if (this.o.clock.now() - endpoint.seenAt > this.o.timings.rememberedFreshMs) {
      this.setRemembered(null);
      return;
    }
    this.dialing = endpoint.onion;
    try {
      await this.connect(endpoint.onion);
      this.peerSeen = endpoint;
    } catch {
      if (!this.stopped && !this.linkUp) this.setRemembered(null);
    } finally {
      if (this.dialing === endpoint.onion) this.dialing = null;
    }
  }

  /**
   * `lastWord` (a revoke): a link already in its handshake is not cut but handed to onLink when
   * it completes, so the owner can still say why it goes (contact-channel.ts: in a dual-dial race
   * it may be the only link the peer keeps). Nothing new starts: the dial's connect is aborted,
   * the listener closed; the link's own handshake timeout bounds the wait.
   */
  async stop(opts: { dropEntries: boolean; lastWord?: boolean }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.lastWord = opts.lastWord === true;
    this.abort.abort();
    this.unwatch?.();
    this.unwatch = null;
    await this.chain;
    for (const s of this.sockets) if (!(this.lastWord && this.handshaking.has(s))) s.destroy();
    const onion = this.onion;
    this.onion = null;
    const groups = this.o.groups;
    await Promise.all([
      groups ? groups.leave(this.pairing.id).catch(() => undefined) : undefined,
      onion && !groups ? this.o.tor.removeEndpoint(onion).catch(() => undefined) : undefined,
      this.peerOnion ? this.o.tor.forgetClientAuth(this.peerOnion).catch(() => undefined) : undefined,
      opts.dropEntries ? this.o.registry.drop(this.pairing.id).catch(() => undefined) : undefined,
      this.closeServer(),
    ]);
  }

  /**
   * Stops listening. The close completes only when every accepted connection has ended, so after
   * a last word it is not awaited: a late link may hold it up to its handshake timeout, and a
   * revoke must not wait for that (it would hold the core's queue).
   */
  private closeServer(): Promise<void> | undefined {
    const server = this.server;
    if (!server) return undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    return this.lastWord ? undefined : closed;
  }

  private async applyVisibility(next: Visibility): Promise<void> {
    if (this.stopped) return;
    const prev = this.visibility;
    this.visibility = next;
    if (next.kind === 'hidden') {
      // Publish the dummy first, then take the endpoint down: a hidden contact must not find a
      // live onion under a still-valid entry.
      await this.o.registry.publish(this.pairing, { kind: 'hidden' });
      const onion = this.onion;
      this.onion = null;
      if (this.o.groups) await this.o.groups.leave(this.pairing.id);
      else if (onion) await this.o.tor.removeEndpoint(onion).catch(() => undefined);
      return;
    }
    // A fresh onion each time we become visible: whoever saw the old one cannot probe it.
    if (prev.kind === 'hidden' || this.onion === null) await this.createEndpoint();
    await this.publish();
  }

  private async createEndpoint(): Promise<void> {
    const auth = clientAuthKeyPair(this.pairing.sharedKey, this.pairing.ownRole);
    if (this.o.groups) {
      this.onion = await this.o.groups.join(this.groupMember(auth.publicKey));
      return;
    }
    const { onion } = await this.o.tor.addEndpoint({
      clientAuthPublicKeys: [auth.publicKey],
      target: { host: '127.0.0.1', port: this.localPort },
      signal: this.abort.signal,
    });
    this.onion = onion;
  }

  private groupMember(clientAuthPublicKey: Uint8Array): GroupMember {
    const peer = this.o.expectedPeer;
    if (!peer) throw new Error('a grouped endpoint needs the peer identity key');
    return {
      id: this.pairing.id,
      identityPk: peer,
      clientAuthPublicKey,
      onLink: (link) => (this.stopped || this.visibility.kind === 'hidden' ? link.close('shutdown') : this.o.onLink(link)),
      onMoved: async (onion) => {
        if (this.stopped || this.onion === null || this.visibility.kind === 'hidden') return;
        this.onion = onion;
        await this.publish();
      },
    };
  }

  private async publish(): Promise<void> {
    if (this.stopped) return;
    const value: PublishedValue = this.visibility.kind === 'visible' && this.onion
      ? { kind: 'endpoint', onion: this.onion, state: this.visibility.state }
      : { kind: 'hidden' };
    await this.o.registry.publish(this.pairing, value);
  }

  private accept(socket: Socket): void {
    if (this.stopped || this.visibility.kind === 'hidden') { socket.destroy(); return; }
    this.track(socket);
    this.handshake(socket, false)
      .then((link) => this.handUp(link))
      // A peer that authenticated and then sent garbage before its hello gets the link's code.
      .catch((err: Error) => { socket.destroy(); this.o.onWarning(peerFaultCode(err) ?? 'INBOUND_HANDSHAKE', err.message); });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Noise + hello on a tracked stream; the stream counts as handshaking until it settles. */
  private async handshake(stream: Duplex, initiator: boolean): Promise<LinkPort> {
    this.handshaking.add(stream);
    try {
      return await this.o.links.open({ stream, initiator, identity: this.o.identity, expectedPeer: this.o.expectedPeer, displayName: this.o.displayName() });
    } finally {
      this.handshaking.delete(stream);
    }
  }

  /** A finished link goes to the owner, after a stop only when the owner still wants its last word. */
  private handUp(link: LinkPort): void {
    if (this.stopped && !this.lastWord) link.close('shutdown');
    else this.o.onLink(link);
  }

  /**
   * A sweep's answer for this pairing. Dial when the entry is fresh, not 'gone', we have no link and
   * we are visible; an entry whose dial failed is retried only after a back-off (a contact killed
   * without a bye leaves a fresh entry that must not cost a circuit every sweep).
   */
  private async onSighting(entry: FoundEntry | null): Promise<void> {
    if (this.stopped) return;
    const now = this.o.clock.now();
    const fresh = entry !== null && now - entry.timestamp <= this.o.timings.entryFreshMs ? entry : null;
    this.o.onEntry(fresh);
    if (fresh && !fresh.gone) {
      this.peerSeen = { onion: fresh.onion, seenAt: now };
      this.remember();
    }
    if (!fresh || fresh.gone || this.linkUp || this.dialing === fresh.onion || this.visibility.kind !== 'visible') return;
    const key = `${fresh.onion}/${fresh.timestamp}`;
    if (this.failed && this.failed.key === key && now < this.failed.retryAt) return;
    this.dialing = fresh.onion;
    try {
      await this.connect(fresh.onion);
      this.failed = null;
    } catch (err) {
      if (this.stopped) return;
      const failures = this.failed?.key === key ? this.failed.failures + 1 : 1;
      const { lookupIntervalMs, lookupMaxIntervalMs } = this.o.timings;
      const wait = Math.min(lookupMaxIntervalMs, lookupIntervalMs * 2 ** Math.min(failures, 10));
      this.failed = { key, failures, retryAt: now + Math.round(wait * (0.8 + 0.4 * this.o.clock.random())) };
      this.o.onWarning('RENDEZVOUS', (err as Error).message);
    } finally {
      if (this.dialing === fresh.onion) this.dialing = null;
    }
  }

  private async connect(onion: string): Promise<void> {
    const peerAuth = clientAuthKeyPair(this.pairing.sharedKey, otherRole(this.pairing.ownRole));
    if (this.peerOnion && this.peerOnion !== onion) await this.o.tor.forgetClientAuth(this.peerOnion).catch(() => undefined);
    this.peerOnion = onion;
    const timeout = AbortSignal.timeout(this.o.timings.connectTimeoutMs);
    const signal = AbortSignal.any([timeout, this.abort.signal]);
    const stream = await this.o.tor.connect({
      onion, port: ENDPOINT_VIRTUAL_PORT, clientAuthSecretKey: peerAuth.secretKey, isolation: `sotto-link-${this.pairing.id}`, signal,
    });
    if ('setNoDelay' in stream && typeof stream.setNoDelay === 'function') (stream as Socket).setNoDelay(true);
    if (stream instanceof Object && 'once' in stream) this.track(stream as Socket);
    this.handUp(await this.handshake(stream, true));
  }
}
