// Two ContactChannels joined by a real link (src/main/link: Noise secret-stream over a loopback TCP
// pair), each on its own real profile store. For tests and benchmarks of the message path
// (outbox flush, acks, group commits) without tor: the channels are never start()ed, so no
// rendezvous runs and the tor and registry ports below are never called.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { identityFromSeed, ready, toHex, type Identity } from '../../protocol/index.ts';
import type { Frame } from '../../protocol/frames.ts';
import { createProfile, KDF_MINIMAL_FOR_TESTS, type ProfileStore, type StoredMessage } from '../store/index.ts';
import { tcpPair } from '../link/test-support.ts';
import { systemClock } from './clock.ts';
import { ContactChannel, type ChannelHost, type CoreContactRecord } from './contact-channel.ts';
import type { LinkPort, RegistryPort, TorPort } from './ports.ts';
import { DEFAULT_RENDEZVOUS_TIMINGS } from './rendezvous.ts';
import type { CoreEvent } from './types.ts';
import { contactLinkFactory } from './wiring.ts';

export interface PairSide {
  channel: ContactChannel;
  store: ProfileStore;
  /** The contact id of the other side in this side's store. */
  contactId: string;
  events: CoreEvent[];
  /** Application frames this side received, by type (counted before the channel sees them). */
  received: Map<Frame['type'], number>;
  /** Calls of this side's link send(), by frame type, and how many have not resolved yet. */
  sends: { byType: Map<Frame['type'], number>; pending: number; maxPending: number };
  /** What the core's sendMessage does: persist to the outbox, then hand it to the channel. */
  send(body: string): Promise<StoredMessage>;
  /** How often the channel told its host that the other side revoked or deleted us (`session leave`). */
  revoked: number;
}

const unused = (what: string) => (): never => { throw new Error(`${what} is not used by a channel pair`); };

function offline<T extends object>(what: string): T {
  return new Proxy({}, { get: (_t, name) => unused(`${what}.${String(name)}`) }) as T;
}

function hostFor(identity: Identity, store: ProfileStore, events: CoreEvent[], onRevoked: () => void): ChannelHost {
  return {
    identity, store, clock: systemClock,
    displayName: () => 'pair',
    ownPresence: () => ({ state: 'online', text: '', idleMinutes: 0, awayAfterMinutes: 10 }),
    tor: offline<TorPort>('tor'), registry: offline<RegistryPort>('registry'),
    links: contactLinkFactory({ clock: systemClock }), timings: DEFAULT_RENDEZVOUS_TIMINGS,
    emit: (e) => { events.push(e); },
    onConfirmed: () => undefined, onDeclined: () => undefined, onFirstLink: () => undefined, onRevoked,
  };
}

/** Counts what crosses the port in both directions; the channel sees the same frames. */
function counted(link: LinkPort, side: Pick<PairSide, 'received' | 'sends'>): LinkPort {
  const bump = (m: Map<Frame['type'], number>, t: Frame['type']): void => { m.set(t, (m.get(t) ?? 0) + 1); };
  return {
    remotePublicKey: link.remotePublicKey, initiator: link.initiator, peerName: link.peerName,
    send: async (frame) => {
      bump(side.sends.byType, frame.type);
      side.sends.pending++;
      side.sends.maxPending = Math.max(side.sends.maxPending, side.sends.pending);
      try { await link.send(frame); } finally { side.sends.pending--; }
    },
    close: (reason) => link.close(reason),
    onFrame: (listener) => link.onFrame((frame) => { bump(side.received, frame.type); listener(frame); }),
    onClose: (listener) => link.onClose(listener),
  };
}

export interface ChannelPair {
  a: PairSide;
  b: PairSide;
  /** The TCP sockets under the link (a dials b): pause one to hold the other side's writes. Unset with `linked: false`. */
  sockets: { a: Socket; b: Socket };
  /** Closes the link and joins the two channels by a new one (a reconnect; `sockets` follow). */
  relink(): Promise<void>;
  /**
   * One more real link between the two identities, dialed by `dialer`, not handed to either
   * channel: the test attaches each end when it likes (a dual-dial race, DESIGN D6 tie-break).
   */
  link(dialer: 'a' | 'b'): Promise<{ a: LinkPort; b: LinkPort }>;
  close(): Promise<void>;
}

/** `linked: false`: the channels start without a link (attach ends of `link()` yourself). */
export async function channelPair(opts: { linked?: boolean } = {}): Promise<ChannelPair> {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-channel-pair-'));
  const ids = [identityFromSeed(new Uint8Array(32).fill(0xa1)), identityFromSeed(new Uint8Array(32).fill(0xb2))] as const;
  const sharedKey = toHex(new Uint8Array(32).fill(0x5c));
  const conversationId = toHex(new Uint8Array(16).fill(0x3d));
  const stores = await Promise.all(['a', 'b'].map((n) => createProfile(join(root, n), { name: n, passphrase: `pass ${n}`, kdf: KDF_MINIMAL_FOR_TESTS })));
  const factory = contactLinkFactory({ clock: systemClock });
  const sockets = {} as ChannelPair['sockets'];
  /** A real link dialed by side `dialer`: [a's end, b's end] and the TCP sockets under it. */
  const open = async (dialer: 0 | 1): Promise<{ ends: [LinkPort, LinkPort]; out: Socket; accepted: Socket }> => {
    const { dialer: out, listener: accepted } = await tcpPair();
    const [endA, endB] = await Promise.all(([0, 1] as const).map((i) => factory.open({
      stream: i === dialer ? out : accepted, initiator: i === dialer, identity: ids[i], expectedPeer: ids[1 - i]!.publicKey, displayName: i === 0 ? 'a' : 'b',
    })));
    return { ends: [endA!, endB!], out, accepted };
  };
  const linked = async (): Promise<[LinkPort, LinkPort]> => {
    const { ends, out, accepted } = await open(0);
    sockets.a = out;
    sockets.b = accepted;
    return ends;
  };
  const links: LinkPort[] = opts.linked === false ? [] : await linked();
  const side = async (i: 0 | 1, link: LinkPort | undefined): Promise<PairSide> => {
    const store = stores[i]!;
    const contactId = i === 0 ? 'contact-b' : 'contact-a';
    const record: CoreContactRecord = {
      nickname: contactId, identityPk: toHex(ids[1 - i]!.publicKey), sharedKey, phase: 'confirmed', visible: true,
      verified: false, receipts: false, typing: false, createdAt: 0, conversationId,
    };
    await store.contacts.put(contactId, record);
    const events: CoreEvent[] = [];
    const channel = new ContactChannel(hostFor(ids[i], store, events, () => { s.revoked++; }), contactId, record);
    const s: PairSide = {
      channel, store, contactId, events, received: new Map(), sends: { byType: new Map(), pending: 0, maxPending: 0 }, revoked: 0,
      send: async (body) => {
        const [stored] = await store.messages.appendMany([{
          id: toHex(systemClock.randomBytes(16)), contactId, conversationId, direction: 'out', body, sentAt: Date.now(), status: 'queued',
        }]);
        channel.queue(stored!);
        return stored!;
      },
    };
    if (link) channel.attach(counted(link, s), 'main');
    return s;
  };
  const a = await side(0, links[0]);
  const b = await side(1, links[1]);
  return {
    a, b, sockets,
    relink: async () => {
      const closed = links.map((l) => new Promise<void>((resolve) => l.onClose(() => resolve())));
      for (const l of links) l.close('normal');
      await Promise.all(closed);
      const [nextA, nextB] = await linked();
      links.splice(0, 2, nextA, nextB);
      a.channel.attach(counted(nextA, a), 'main');
      b.channel.attach(counted(nextB, b), 'main');
    },
    link: async (dialer) => {
      const { ends: [endA, endB] } = await open(dialer === 'a' ? 0 : 1);
      links.push(endA, endB);
      return { a: counted(endA, a), b: counted(endB, b) };
    },
    close: async () => {
      await Promise.all([a.channel.stop({ dropEntries: false, bye: 'shutdown' }), b.channel.stop({ dropEntries: false, bye: 'shutdown' })]);
      for (const l of links) l.close('shutdown'); // ends of link() a test never attached
      for (const s of stores) s.lock();
      await rm(root, { recursive: true, force: true });
    },
  };
}
