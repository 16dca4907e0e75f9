// Links between members of a session who are not contacts of each other (docs/PROTOCOL.md
// "Session-scoped endpoints"). A newcomer that has such members opens one onion endpoint for the
// session, reachable only with those members' session client-auth keys (the invite lists them) and
// completing a handshake only with their identity keys; each of them dials it once the inviter
// announces the newcomer's ticket. Older members never need an endpoint of their own: whoever joins
// later opens one for them. A link here carries group frames of its session, plus frames of another
// session for a co-member we have no other link to (an invitation to a second session: the
// invitee's preference decides, docs/THREAT-MODEL.md); the endpoint goes when this member leaves.
// The dialer keeps its link up while both are in the session: a failed dial or a link that drops
// is dialed again after a growing pause (REDIAL_BACKOFF_MS), at most that many times in a row.
import { createServer, type Server, type Socket } from 'node:net';
import {
  fromHex, isGroupPayload, onionAddressFromPublicKey, publicKeyFromOnionAddress, toHex,
  type Identity, type SessionEndpoint, type SessionFrame,
} from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import type { LinkFactory, LinkPort, TorPort } from '../core/ports.ts';
import { ENDPOINT_VIRTUAL_PORT } from '../core/rendezvous.ts';

/** Frames held for a member whose link is not up yet (a newcomer's ticket waits for the dial). */
const MAX_QUEUED_PER_PEER = 64;
/**
 * Pauses before each dial again of a session link that failed or dropped; after the last one the
 * member stays unreached (a warning says so) until it leaves or a new announcement dials again.
 * Bounded so a member that vanished without a leave costs at most this many connects.
 */
export const REDIAL_BACKOFF_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000];
/**
 * A re-created endpoint's old address stays up this long: removing an onion service closes its
 * circuits, so the members it serves first hear the new address over their links and dial it.
 */
export const RETIRE_AFTER_MS = 20_000;

export interface SessionLinksOptions {
  identity: Identity;
  displayName(): string;
  tor: TorPort;
  links: LinkFactory;
  connectTimeoutMs: number;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Pauses between dials again (tests shrink them). */
  redialBackoffMs?: readonly number[];
  /** How long a re-created endpoint's old address stays up (tests shrink it). */
  retireAfterMs?: number;
  onFrame(peer: Uint8Array, frame: SessionFrame): void;
  onWarning(code: string, message: string): void;
}

interface Place {
  id: string;
  /** Identity keys (hex) that may complete a handshake on our endpoint. */
  allowed: Set<string>;
  /** Their session client-auth keys: what the endpoint is re-created with when one of them leaves. */
  authKeys: Map<string, Uint8Array>;
  /** Local port our endpoint forwards to. */
  port: number;
  /** Re-creations of our endpoint run one after the other. */
  moving: Promise<unknown>;
  /** Earlier addresses of our endpoint, removed after the grace (links over them move meanwhile). */
  retiring: Map<string, unknown>;
  links: Map<string, LinkPort>;
  queued: Map<string, SessionFrame[]>;
  server: Server | null;
  onion: string | null;
  sockets: Set<Socket>;
  /** Members whose endpoints we dial (we are the older member): what to dial again if the link drops. */
  dials: Map<string, Dial>;
  abort: AbortController;
  closed: boolean;
}

interface Dial { endpoint: SessionEndpoint; secretKey: Uint8Array; failures: number; timer: unknown }

export class SessionLinks {
  private readonly o: SessionLinksOptions;
  private readonly places = new Map<string, Place>();

  constructor(opts: SessionLinksOptions) {
    this.o = opts;
  }

  private place(sessionId: string): Place {
    let p = this.places.get(sessionId);
    if (p === undefined) {
      p = {
        id: sessionId, allowed: new Set(), authKeys: new Map(), port: 0, moving: Promise.resolve(), retiring: new Map(),
        links: new Map(), queued: new Map(), server: null, onion: null, sockets: new Set(), dials: new Map(),
        abort: new AbortController(), closed: false,
      };
      this.places.set(sessionId, p);
    }
    return p;
  }

  /** Opens this member's endpoint for `members` (identity + session client-auth key); resolves once tor published it. */
  async openEndpoint(sessionId: string, members: { member: Uint8Array; clientAuthKey: Uint8Array }[]): Promise<SessionEndpoint> {
    const p = this.place(sessionId);
    for (const m of members) {
      p.allowed.add(toHex(m.member));
      p.authKeys.set(toHex(m.member), m.clientAuthKey.slice());
    }
    const server = createServer((socket) => this.accept(sessionId, p, socket));
    p.server = server;
    server.on('error', (err) => this.o.onWarning('SESSION_ENDPOINT', err.message));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as { port: number }).port;
    p.port = port;
    const { onion } = await this.o.tor.addEndpoint({
      clientAuthPublicKeys: members.map((m) => m.clientAuthKey), target: { host: '127.0.0.1', port }, signal: p.abort.signal,
    });
    if (p.closed) {
      await this.o.tor.removeEndpoint(onion).catch(() => undefined);
      throw new Error('the session was left while its endpoint was being created');
    }
    p.onion = onion;
    return { onionKey: publicKeyFromOnionAddress(onion), port: ENDPOINT_VIRTUAL_PORT };
  }

  /** Dials a newer member's endpoint with our session client-auth secret; frames for it wait meanwhile. */
  dial(sessionId: string, peer: Uint8Array, endpoint: SessionEndpoint, clientAuthSecretKey: Uint8Array): void {
    const p = this.place(sessionId);
    const hex = toHex(peer);
    const earlier = p.dials.get(hex);
    if (earlier !== undefined && earlier.timer !== null) this.o.clock.clearTimeout(earlier.timer);
    const d: Dial = { endpoint, secretKey: clientAuthSecretKey.slice(), failures: 0, timer: null };
    p.dials.set(hex, d);
    this.connect(p, peer, d);
  }

  private connect(p: Place, peer: Uint8Array, d: Dial): void {
    const hex = toHex(peer);
    const sessionId = p.id;
    void (async () => {
      const timeout = AbortSignal.timeout(this.o.connectTimeoutMs);
      const stream = await this.o.tor.connect({
        onion: onionAddressFromPublicKey(d.endpoint.onionKey), port: d.endpoint.port, clientAuthSecretKey: d.secretKey,
        isolation: `sotto-session-${sessionId}-${hex}`, signal: AbortSignal.any([timeout, p.abort.signal]),
      });
      const link = await this.o.links.open({ stream, initiator: true, identity: this.o.identity, expectedPeer: peer, displayName: this.o.displayName() });
      if (p.dials.get(hex) !== d) { link.close('normal'); return; }
      d.failures = 0;
      this.attach(p, hex, link);
    })().catch((err: Error) => {
      this.o.onWarning('SESSION_DIAL', `session ${sessionId.slice(0, 8)}: ${err.message}`);
      this.redial(p, peer, d);
    });
  }

  /** Dials again after the next pause, while we still dial this member (not left, session not closed). */
  private redial(p: Place, peer: Uint8Array, d: Dial): void {
    if (p.closed || p.dials.get(toHex(peer)) !== d || d.timer !== null) return;
    const backoff = this.o.redialBackoffMs ?? REDIAL_BACKOFF_MS;
    const pause = backoff[d.failures];
    if (pause === undefined) {
      this.o.onWarning('SESSION_UNREACHED', `session ${p.id.slice(0, 8)}: gave up dialing ${toHex(peer).slice(0, 8)} after ${backoff.length} tries`);
      return;
    }
    d.failures += 1;
    d.timer = this.o.clock.setTimeout(() => {
      d.timer = null;
      // Skipped when a link came up meanwhile (the peer's endpoint moved and we dialed it at once).
      if (!p.closed && p.dials.get(toHex(peer)) === d && !p.links.has(toHex(peer))) this.connect(p, peer, d);
    }, pause);
  }

  /** Writes on this session's link to `to`, or holds the frame until that link is up. */
  send(sessionId: string, to: Uint8Array, frame: SessionFrame): boolean {
    const p = this.places.get(sessionId);
    if (p === undefined || p.closed) return false;
    const hex = toHex(to);
    const link = p.links.get(hex);
    if (link !== undefined) {
      void link.send(frame);
      return true;
    }
    const queue = p.queued.get(hex) ?? [];
    if (queue.length >= MAX_QUEUED_PER_PEER) return false;
    queue.push(frame);
    p.queued.set(hex, queue);
    return true;
  }

  /**
   * Writes on a link to `to` of any session we share with it: how an invitation to another session
   * (and its answer) reaches a co-member who is not a contact. False when no such link is up.
   */
  sendOnAny(to: Uint8Array, frame: SessionFrame): boolean {
    const hex = toHex(to);
    for (const p of this.places.values()) {
      const link = p.closed ? undefined : p.links.get(hex);
      if (link !== undefined) {
        void link.send(frame);
        return true;
      }
    }
    return false;
  }

  /**
   * A member left: its handshakes are refused from now on and its link here closes. True when our
   * endpoint authorized it at tor level: then it must be re-created without it (recreateEndpoint).
   */
  forget(sessionId: string, member: Uint8Array): boolean {
    const p = this.places.get(sessionId);
    if (p === undefined) return false;
    const hex = toHex(member);
    const served = p.onion !== null && p.authKeys.has(hex);
    p.allowed.delete(hex);
    p.authKeys.delete(hex);
    p.queued.delete(hex);
    this.stopDialing(p, hex);
    p.links.get(hex)?.close('normal');
    p.links.delete(hex);
    return served;
  }

  /**
   * Re-creates our endpoint for the members still authorized (a new onion key and address; the old
   * one is removed RETIRE_AFTER_MS later, time for the links over it to move), so a member that
   * left cannot watch its descriptor any more. Resolves with the new endpoint (null: nobody left to serve,
   * the endpoint is closed) and the members to tell, or null when there was no endpoint.
   */
  recreateEndpoint(sessionId: string): Promise<{ endpoint: SessionEndpoint | null; members: Uint8Array[] } | null> {
    const p = this.places.get(sessionId);
    if (p === undefined) return Promise.resolve(null);
    const run = p.moving.then(async () => {
      const old = p.onion;
      if (p.closed || old === null) return null;
      const members = [...p.authKeys.keys()].map((hex) => fromHex(hex, 32));
      let endpoint: SessionEndpoint | null = null;
      if (members.length > 0) {
        const { onion } = await this.o.tor.addEndpoint({
          clientAuthPublicKeys: [...p.authKeys.values()], target: { host: '127.0.0.1', port: p.port }, signal: p.abort.signal,
        });
        if (p.closed) {
          await this.o.tor.removeEndpoint(onion).catch(() => undefined);
          return null;
        }
        p.onion = onion;
        endpoint = { onionKey: publicKeyFromOnionAddress(onion), port: ENDPOINT_VIRTUAL_PORT };
        this.retire(p, old);
      } else {
        p.onion = null;
        await this.o.tor.removeEndpoint(old);
      }
      return { endpoint, members };
    });
    p.moving = run.catch(() => undefined);
    return run;
  }

  private retire(p: Place, onion: string): void {
    p.retiring.set(onion, this.o.clock.setTimeout(() => {
      p.retiring.delete(onion);
      void this.o.tor.removeEndpoint(onion).catch((err: Error) => this.o.onWarning('SESSION_ENDPOINT', err.message));
    }, this.o.retireAfterMs ?? RETIRE_AFTER_MS));
  }

  /**
   * A member we dial moved its endpoint: we dial the new address now (that link replaces the one
   * over the old address, which goes soon) and after every drop (null: it closed it, we stop).
   */
  retarget(sessionId: string, peer: Uint8Array, endpoint: SessionEndpoint | null): void {
    const p = this.places.get(sessionId);
    const d = p?.dials.get(toHex(peer));
    if (p === undefined || d === undefined) return;
    if (endpoint === null) this.stopDialing(p, toHex(peer));
    else this.dial(sessionId, peer, endpoint, d.secretKey);
  }

  /** Closes the session's links (after what was written on them) and its endpoint. */
  async close(sessionId: string): Promise<void> {
    const p = this.places.get(sessionId);
    if (p === undefined) return;
    this.places.delete(sessionId);
    p.closed = true;
    p.abort.abort();
    for (const hex of [...p.dials.keys()]) this.stopDialing(p, hex);
    for (const timer of p.retiring.values()) this.o.clock.clearTimeout(timer);
    for (const link of p.links.values()) link.close('normal');
    for (const s of p.sockets) s.destroy();
    await Promise.all([
      ...[p.onion, ...p.retiring.keys()].map((onion) => (onion ? this.o.tor.removeEndpoint(onion).catch(() => undefined) : undefined)),
      new Promise<void>((resolve) => (p.server ? p.server.close(() => resolve()) : resolve())),
    ]);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.places.keys()].map((id) => this.close(id)));
  }

  private accept(sessionId: string, p: Place, socket: Socket): void {
    if (p.closed) { socket.destroy(); return; }
    p.sockets.add(socket);
    socket.once('close', () => p.sockets.delete(socket));
    this.o.links.open({
      stream: socket, initiator: false, identity: this.o.identity, expectedPeer: null, displayName: this.o.displayName(),
      // Only a member we opened the endpoint for completes the handshake.
      acceptPeer: (pk) => p.allowed.has(toHex(pk)),
    }).then((link) => {
      // The link owns the socket now: close() ends it after what was written (our leave), no destroy.
      p.sockets.delete(socket);
      const hex = toHex(link.remotePublicKey);
      if (p.closed || !p.allowed.has(hex)) { link.close('normal'); return; }
      this.attach(p, hex, link);
    }).catch((err: Error) => { socket.destroy(); this.o.onWarning('SESSION_HANDSHAKE', err.message); });
  }

  private stopDialing(p: Place, hex: string): void {
    const d = p.dials.get(hex);
    if (d !== undefined && d.timer !== null) this.o.clock.clearTimeout(d.timer);
    p.dials.delete(hex);
  }

  private attach(p: Place, hex: string, link: LinkPort): void {
    if (p.closed) { link.close('normal'); return; }
    // One dialer per pair (the older member), so a second link means the first one died: replace it.
    p.links.get(hex)?.close('duplicate');
    p.links.set(hex, link);
    link.onFrame((frame) => {
      if (frame.type === 'session' && isGroupPayload(frame)) this.o.onFrame(link.remotePublicKey, frame);
    });
    link.onClose(() => {
      if (p.links.get(hex) !== link) return; // replaced by a newer link
      p.links.delete(hex);
      // The link dropped while both are in: the dialer dials again (the acceptor waits for it).
      const d = p.dials.get(hex);
      if (d !== undefined) this.redial(p, link.remotePublicKey, d);
    });
    const queued = p.queued.get(hex) ?? [];
    p.queued.delete(hex);
    for (const frame of queued) void link.send(frame);
  }
}
