// Endpoint groups for large address books (DESIGN D5 "Cost and scale"): past a threshold of
// pairings, up to G contacts share one onion (ADD_ONION with G client-auth keys) and one local
// listener. An inbound stream is routed by the identity key the Noise handshake authenticates
// (only current members' keys are accepted) and handed to that member's rendezvous as if it had
// arrived on a per-contact endpoint. Tor fixes an onion's client-auth keys at ADD_ONION, so a
// member leaving (hidden, revoked, deleted) moves the rest of its group to a new onion without
// that key, make before break: the new onion is up and published by every remaining member before
// the old one is removed, and the removed contact cannot even fetch the new descriptor.
import { setMaxListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { equalBytes, type Identity } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';
import type { LinkFactory, LinkPort, TorPort } from './ports.ts';
import { peerFaultCode } from './link-faults.ts';

export interface EndpointGroupOptions {
  /** More pairings with an endpoint than this: new pairings join groups (at or below: one onion each). */
  threshold: number;
  /** Members per group onion (tor accepts 1..64 client-auth keys per onion). */
  size: number;
  /** Joins arriving within this window share one ADD_ONION (a whole address book at unlock). */
  batchMs: number;
}

/** Measured on the testbed (bench/endpoints.bench.ts, docs/ARCHITECTURE.md "Core API"). */
export const DEFAULT_ENDPOINT_GROUPS: EndpointGroupOptions = { threshold: 16, size: 16, batchMs: 50 };

export interface GroupMember {
  /** The pairing id (contact id). */
  id: string;
  identityPk: Uint8Array;
  clientAuthPublicKey: Uint8Array;
  /** An authenticated inbound link from this member. */
  onLink(link: LinkPort): void;
  /** The group moved to a new onion: publish it (resolve once published). */
  onMoved(onion: string): Promise<void>;
}

export interface EndpointGroupsDeps {
  tor: TorPort;
  links: LinkFactory;
  identity: Identity;
  displayName(): string;
  clock: Clock;
  options: EndpointGroupOptions;
  onWarning(code: string, message: string): void;
}

interface Group {
  readonly n: number;
  readonly members: Map<string, GroupMember>;
  server: Server | null;
  localPort: number;
  onion: string | null;
  /** Still taking members (not yet launched). */
  filling: boolean;
  launchTimer: unknown;
  launched: Promise<void>;
  listening: Promise<void>;
  launch: () => void;
  /** Serialises this group's onion changes. */
  chain: Promise<void>;
  readonly sockets: Set<Socket>;
  dead: boolean;
}

export class EndpointGroups {
  private readonly d: EndpointGroupsDeps;
  private readonly groups = new Set<Group>();
  private readonly byMember = new Map<string, Group>();
  private filling: Group | null = null;
  private stopped = false;
  private stopping = false;
  /** Aborts onion creations in flight at shutdown (an upload can take minutes under load). */
  private readonly abort = new AbortController();
  private n = 0;

  constructor(deps: EndpointGroupsDeps) {
    this.d = deps;
    // One signal for every group's creations; they are few and end with the session.
    setMaxListeners(0, this.abort.signal);
  }

  /** Adds a member to the group being filled; resolves with the group's onion once it is uploaded. */
  async join(member: GroupMember): Promise<string> {
    if (this.stopped) throw new Error('endpoint groups stopped');
    if (this.byMember.has(member.id)) await this.leave(member.id);
    let g = this.filling;
    if (!g || !g.filling || g.members.size >= this.d.options.size) g = this.newGroup();
    g.members.set(member.id, member);
    this.byMember.set(member.id, g);
    if (g.members.size >= this.d.options.size) g.launch();
    await g.launched;
    if (g.dead || !g.onion || g.members.get(member.id) !== member) throw new Error('the endpoint group went away before it was up');
    return g.onion;
  }

  /** Removes a member; the rest move to a new onion without its key (make before break). */
  async leave(id: string): Promise<void> {
    const g = this.byMember.get(id);
    if (!g) return;
    this.byMember.delete(id);
    g.members.delete(id);
    if (g.filling) return; // not yet created: the onion will be made without this key
    await this.enqueue(g, async () => {
      if (g.dead) return;
      if (g.members.size === 0) { await this.close(g); return; }
      // Shutting down: every member is leaving, moving the rest would only churn onions.
      if (this.stopping) return;
      await this.move(g);
    });
  }

  /** The periodic rotation (DESIGN D5: new endpoints every 24 h), one new onion per group. */
  async rotateAll(): Promise<void> {
    await Promise.all([...this.groups].filter((g) => !g.filling && !g.dead).map((g) => this.enqueue(g, () => this.move(g))));
  }

  /** Tor restarted: every onion is gone; members re-join (their rendezvous recreate). */
  reset(): void {
    for (const g of [...this.groups]) void this.close(g, { removeOnion: false });
    this.byMember.clear();
    this.filling = null;
  }

  /** Shutdown begins: members leave without moving the rest (their links say bye first). */
  beginStop(): void {
    this.stopping = true;
    this.abort.abort();
  }

  async stop(): Promise<void> {
    this.beginStop();
    this.stopped = true;
    await Promise.all([...this.groups].map((g) => this.close(g)));
    this.byMember.clear();
  }

  /** For tests and the bench: each live group's onion and member ids. */
  describe(): { onion: string | null; members: string[] }[] {
    return [...this.groups].filter((g) => !g.dead).map((g) => ({ onion: g.onion, members: [...g.members.keys()] }));
  }

  private newGroup(): Group {
    let launch!: () => void;
    const started = new Promise<void>((resolve) => { launch = resolve; });
    const g: Group = {
      n: this.n++, members: new Map(), server: null, localPort: 0, onion: null, filling: true, launchTimer: null,
      launched: Promise.resolve(), listening: Promise.resolve(), launch: () => undefined, chain: Promise.resolve(), sockets: new Set(), dead: false,
    };
    // Listen at once: the (unref'd) batch timer alone would not keep a host alive while joins wait.
    g.listening = this.listen(g);
    g.listening.catch(() => undefined);
    g.launch = () => {
      if (!g.filling) return;
      g.filling = false;
      if (this.filling === g) this.filling = null;
      if (g.launchTimer !== null) this.d.clock.clearTimeout(g.launchTimer);
      launch();
    };
    g.launched = started.then(() => this.create(g));
    g.chain = g.launched.catch(() => undefined);
    g.launchTimer = this.d.clock.setTimeout(() => { g.launchTimer = null; g.launch(); }, this.d.options.batchMs);
    this.groups.add(g);
    this.filling = g;
    return g;
  }

  private enqueue(g: Group, fn: () => Promise<void>): Promise<void> {
    const run = g.chain.then(fn);
    g.chain = run.catch((err: Error) => this.d.onWarning('ENDPOINT_GROUP', err.message));
    return g.chain;
  }

  private async listen(g: Group): Promise<void> {
    const server = createServer((socket) => this.accept(g, socket));
    g.server = server;
    server.on('error', (err) => this.d.onWarning('ENDPOINT_SERVER', err.message));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    g.localPort = (server.address() as { port: number }).port;
  }

  private async create(g: Group): Promise<void> {
    await g.listening;
    if (g.members.size === 0) { await this.close(g); return; }
    if (g.dead) return;
    g.onion = await this.addOnion(g);
  }

  private async addOnion(g: Group): Promise<string> {
    const { onion } = await this.d.tor.addEndpoint({
      clientAuthPublicKeys: [...g.members.values()].map((m) => m.clientAuthPublicKey),
      target: { host: '127.0.0.1', port: g.localPort },
      signal: this.abort.signal,
    });
    return onion;
  }

  /** New onion with the current members' keys, published by each, then the old one goes. */
  private async move(g: Group): Promise<void> {
    if (g.dead || this.stopped) return;
    const old = g.onion;
    const onion = await this.addOnion(g);
    if (g.dead) { await this.d.tor.removeEndpoint(onion).catch(() => undefined); return; }
    g.onion = onion;
    await Promise.allSettled([...g.members.values()].map((m) => m.onMoved(onion)));
    if (old) await this.d.tor.removeEndpoint(old).catch(() => undefined);
  }

  private async close(g: Group, o: { removeOnion: boolean } = { removeOnion: true }): Promise<void> {
    if (g.dead) return;
    g.dead = true;
    g.filling = false;
    if (g.launchTimer !== null) { this.d.clock.clearTimeout(g.launchTimer); g.launchTimer = null; }
    if (this.filling === g) this.filling = null;
    this.groups.delete(g);
    for (const id of g.members.keys()) if (this.byMember.get(id) === g) this.byMember.delete(id);
    const onion = g.onion;
    g.onion = null;
    for (const s of g.sockets) s.destroy();
    await Promise.all([
      onion && o.removeOnion ? this.d.tor.removeEndpoint(onion).catch(() => undefined) : undefined,
      g.listening.catch(() => undefined).then(() => new Promise<void>((resolve) => (g.server ? g.server.close(() => resolve()) : resolve()))),
    ]);
  }

  private memberByKey(g: Group, pk: Uint8Array): GroupMember | undefined {
    for (const m of g.members.values()) if (equalBytes(m.identityPk, pk)) return m;
    return undefined;
  }

  private accept(g: Group, socket: Socket): void {
    if (g.dead || this.stopped) { socket.destroy(); return; }
    g.sockets.add(socket);
    socket.once('close', () => g.sockets.delete(socket));
    this.d.links.open({
      stream: socket, initiator: false, identity: this.d.identity, expectedPeer: null, displayName: this.d.displayName(),
      // Only a current member's key completes the handshake (an ex-member holding an old stream, or
      // anyone else, is refused by the link layer before any frame).
      acceptPeer: (pk) => this.memberByKey(g, pk) !== undefined,
    }).then((link) => {
      const m = g.dead || this.stopped ? undefined : this.memberByKey(g, link.remotePublicKey);
      if (!m) { link.close('normal'); return; }
      m.onLink(link);
    }).catch((err: Error) => { socket.destroy(); this.d.onWarning(peerFaultCode(err) ?? 'INBOUND_HANDSHAKE', err.message); });
  }
}
