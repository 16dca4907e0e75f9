// ContactLink: one authenticated session with one contact over one stream (DESIGN D6).
//
//   onion stream --(Noise XX, ed25519 identity keys: @hyperswarm/secret-stream)--> messages
//   one secret-stream message = one frame (src/protocol/frames.ts)
//
// Life: handshaking -> verifying (remote key vs. the expected contact, or the open-invitation
// callback) -> awaiting-hello (both sides send hello at once; the first frame must be hello) ->
// open -> closed. Every way out of it is a LinkError code in the 'close' event. A malformed or
// oversized frame or a frame out of order closes the link: a peer that speaks garbage is broken or
// hostile, and guessing what it meant is how parsers get exploited (hyperswarm's rule).
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import NoiseSecretStream from '@hyperswarm/secret-stream';
import {
  decodeFrame, encodeFrame, equalBytes, toHex, MAX_FRAME_SIZE,
  type AckFrame, type ByeReason, type Frame, type HelloFrame, type MessageFrame, type PresenceFrame,
  type ReceiptFrame, type SessionFrame, type TypingFrame,
} from '../../protocol/index.ts';
import { LinkError, type LinkErrorCode } from './errors.ts';
import { guardRawMessages, SECRET_STREAM_OVERHEAD } from './raw-guard.ts';

/** Link protocol versions this build speaks (hello.minVersion..maxVersion). */
export const LINK_PROTOCOL_MIN = 1;
export const LINK_PROTOCOL_MAX = 1;

export const LINK_DEFAULTS = {
  // The stream is already connected when a link starts, so the handshake is two round trips
  // plus hello over one Tor circuit: seconds at worst on the live network; 30 s is generous.
  handshakeTimeoutMs: 30_000,
  // Keepalive every 25 s +- 30 %: Tor circuits carry no keepalive of their own and a dead
  // rendezvous circuit can stay silent for minutes; jitter so the ping rhythm is not a fixed
  // signature a Tor-edge observer could match between the two ends. A link that heard from its
  // peer within the shortest period (its ping, pong or any frame) skips its own ping: on a quiet
  // link one end pings and the other answers, half the wake-ups and bytes of both pinging
  // (issue 11 item 6, bench/idle100.bench.ts).
  keepaliveMs: 25_000,
  keepaliveJitter: 0.3,
  // Three missed keepalives (plus jitter) before the contact is declared gone.
  deadPeerMs: 100_000,
  // How long a closing link waits for the peer to read its bye before destroying the stream.
  closeGraceMs: 2_000,
} as const;

export interface LinkTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: LinkTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** An ed25519 key pair as libsodium gives it: publicKey 32 bytes, secretKey 64 bytes. */
export interface IdentityKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface OwnHello {
  displayName: string;
  capabilities?: string[];
  minVersion?: number;
  maxVersion?: number;
}

export interface ContactLinkOptions {
  /** The raw transport (an onion stream; a TCP socket in tests). The link owns it from now on. */
  socket: Duplex;
  /** True when we dialed. Noise needs the roles, and the tie-break keys on who dialed. */
  initiator: boolean;
  identity: IdentityKeyPair;
  /** The contact's identity key; any other remote key closes the link with LINK_WRONG_PEER. */
  expectedPeer?: Uint8Array;
  /**
   * Open-invitation bootstrap only (DESIGN D3): the redeemer's key is not known yet; this
   * decides on the authenticated remote key. Used only when expectedPeer is absent.
   */
  acceptPeer?: (peer: Uint8Array) => boolean | Promise<boolean>;
  hello: OwnHello;
  timers?: LinkTimers;
  /** Uniform [0, 1): keepalive jitter and ping nonces (not secrets). */
  random?: () => number;
  /** Milliseconds clock for round-trip times. */
  now?: () => number;
  handshakeTimeoutMs?: number;
  keepaliveMs?: number;
  keepaliveJitter?: number;
  deadPeerMs?: number;
  closeGraceMs?: number;
}

export interface LinkOpenInfo {
  peer: Uint8Array;
  /** Negotiated link protocol version: the highest both sides speak. */
  version: number;
  /** Capabilities both sides announced, in our order of preference. */
  capabilities: string[];
  hello: HelloFrame;
}

export interface LinkCloseInfo {
  code: LinkErrorCode;
  error: LinkError;
  /** True when this side decided to close (including for the peer's misbehaviour). */
  local: boolean;
  /** The peer's bye reason, for LINK_REMOTE_BYE. */
  reason?: ByeReason;
}

export type LinkState = 'handshaking' | 'verifying' | 'awaiting-hello' | 'open' | 'closed';

/** Application frames surface as 'frame' and under their type; hello, ping, pong and bye are the link's. */
export interface ContactLinkEvents {
  open: [info: LinkOpenInfo];
  frame: [frame: PresenceFrame | MessageFrame | AckFrame | ReceiptFrame | TypingFrame | SessionFrame];
  presence: [frame: PresenceFrame];
  message: [frame: MessageFrame];
  ack: [frame: AckFrame];
  receipt: [frame: ReceiptFrame];
  typing: [frame: TypingFrame];
  session: [frame: SessionFrame];
  close: [info: LinkCloseInfo];
}

const BYE_FOR: Partial<Record<LinkErrorCode, ByeReason>> = {
  LINK_BAD_FRAME: 'protocol',
  LINK_FRAME_TOO_LARGE: 'protocol',
  LINK_PROTOCOL_VIOLATION: 'protocol',
  LINK_INCOMPATIBLE: 'incompatible',
  LINK_PEER_TIMEOUT: 'timeout',
  LINK_HANDSHAKE_TIMEOUT: 'timeout',
  LINK_DUPLICATE: 'duplicate',
};

function positive(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw LinkError.BAD_OPTIONS(`${what} must be a positive number`);
  return v;
}

export class ContactLink extends EventEmitter<ContactLinkEvents> {
  readonly initiator: boolean;
  state: LinkState = 'handshaking';
  /** The authenticated remote identity key, once verified. */
  peer: Uint8Array | null = null;
  /** Hex of the Noise handshake hash: the same value on both ends of one connection. */
  sessionId: string | null = null;
  version = 0;
  capabilities: string[] = [];
  peerHello: HelloFrame | null = null;
  /** Last keepalive round trip, ms. */
  rttMs: number | null = null;
  closeInfo: LinkCloseInfo | null = null;
  /** Resolves once the underlying stream has fully closed. */
  readonly closed: Promise<LinkCloseInfo>;

  private readonly stream: NoiseSecretStream;
  private readonly socket: Duplex;
  private readonly ownHello: HelloFrame;
  private readonly ownHelloBytes: Uint8Array;
  private readonly expectedPeer: Uint8Array | null;
  private readonly acceptPeer: ((peer: Uint8Array) => boolean | Promise<boolean>) | null;
  private readonly timers: LinkTimers;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly handshakeTimeoutMs: number;
  private readonly keepaliveMs: number;
  private readonly keepaliveJitter: number;
  private readonly deadPeerMs: number;
  private readonly closeGraceMs: number;
  private readonly detachGuard: () => void;
  private handshakeTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private deadPeerTimer: unknown = null;
  /** When the peer was last heard (`now` clock): a keepalive is skipped while that is recent. */
  private lastHeardAt = 0;
  private graceTimer: unknown = null;
  /** Pings written and not answered yet, by nonce: the keepalive's and ping()'s. */
  private readonly pings = new Map<number, { sentAt: number; resolve?: (rttMs: number) => void; reject?: (err: Error) => void }>();
  private needsDrain = false;
  private drainWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private resolveClosed!: (info: LinkCloseInfo) => void;
  private streamClosed = false;

  constructor(opts: ContactLinkOptions) {
    super();
    const { identity } = opts;
    if (!(identity?.publicKey instanceof Uint8Array) || identity.publicKey.length !== 32
      || !(identity.secretKey instanceof Uint8Array) || identity.secretKey.length !== 64) {
      throw LinkError.BAD_OPTIONS('identity must be an ed25519 key pair (32-byte publicKey, 64-byte secretKey)');
    }
    if (opts.expectedPeer !== undefined && (!(opts.expectedPeer instanceof Uint8Array) || opts.expectedPeer.length !== 32)) {
      throw LinkError.BAD_OPTIONS('expectedPeer must be a 32-byte identity key');
    }
    if (opts.expectedPeer === undefined && typeof opts.acceptPeer !== 'function') {
      throw LinkError.BAD_OPTIONS('either expectedPeer or acceptPeer is required');
    }
    this.initiator = opts.initiator === true;
    this.socket = opts.socket;
    // Frames are small and wait on each other (a message on its ack): Nagle's algorithm may hold
    // one behind the previous segment's delayed ACK (up to 40 ms on Linux). The dialing side set
    // this already (core/rendezvous.ts); accepted sockets did not (issue 11 item 2).
    if (this.socket instanceof Socket) this.socket.setNoDelay(true);
    this.expectedPeer = opts.expectedPeer ?? null;
    this.acceptPeer = this.expectedPeer === null ? (opts.acceptPeer ?? null) : null;
    this.timers = opts.timers ?? systemTimers;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.handshakeTimeoutMs = positive(opts.handshakeTimeoutMs, LINK_DEFAULTS.handshakeTimeoutMs, 'handshakeTimeoutMs');
    this.keepaliveMs = positive(opts.keepaliveMs, LINK_DEFAULTS.keepaliveMs, 'keepaliveMs');
    this.deadPeerMs = positive(opts.deadPeerMs, LINK_DEFAULTS.deadPeerMs, 'deadPeerMs');
    this.closeGraceMs = positive(opts.closeGraceMs, LINK_DEFAULTS.closeGraceMs, 'closeGraceMs');
    this.keepaliveJitter = opts.keepaliveJitter ?? LINK_DEFAULTS.keepaliveJitter;
    if (!(this.keepaliveJitter >= 0 && this.keepaliveJitter < 1)) throw LinkError.BAD_OPTIONS('keepaliveJitter must be in [0, 1)');
    // Our own hello is checked now: a bad display name is the caller's bug, reported at once.
    this.ownHello = {
      type: 'hello',
      minVersion: opts.hello.minVersion ?? LINK_PROTOCOL_MIN,
      maxVersion: opts.hello.maxVersion ?? LINK_PROTOCOL_MAX,
      capabilities: [...(opts.hello.capabilities ?? [])],
      displayName: opts.hello.displayName,
    };
    this.ownHelloBytes = encodeFrame(this.ownHello);
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });

    this.detachGuard = guardRawMessages(this.socket, {
      limit: MAX_FRAME_SIZE + SECRET_STREAM_OVERHEAD,
      onOversize: (size) => {
        // Stop reading at once: secret-stream would otherwise buffer the whole message.
        this.socket.pause();
        this.fail(this.state === 'handshaking'
          ? LinkError.HANDSHAKE_FAILED(new Error(`${size}-byte handshake message`))
          : LinkError.FRAME_TOO_LARGE(size - SECRET_STREAM_OVERHEAD, MAX_FRAME_SIZE));
      },
    });

    // noise-curve-ed (sodium-native) wants Buffers; these are copies we own.
    this.stream = new NoiseSecretStream(this.initiator, this.socket, {
      keyPair: { publicKey: Buffer.from(identity.publicKey), secretKey: Buffer.from(identity.secretKey) },
    });
    this.stream.on('connect', () => { void this.onConnect(); });
    this.stream.on('error', (err: Error) => this.onStreamGone(err));
    this.stream.on('end', () => this.onStreamGone(null));
    this.stream.on('close', () => this.onStreamClose());
    this.stream.on('drain', () => this.onDrain());
    this.handshakeTimer = this.timers.setTimeout(() => this.fail(LinkError.HANDSHAKE_TIMEOUT(this.handshakeTimeoutMs)), this.handshakeTimeoutMs);
  }

  /** Peer identity as hex (the LinkTable key). */
  get peerHex(): string | null {
    return this.peer === null ? null : toHex(this.peer);
  }

  /**
   * Sends one application frame. Resolves when the stream can take more (back-pressure: await it
   * before sending the next large frame); rejects with LINK_NOT_OPEN / LINK_CLOSED, or with the
   * ProtocolError of a frame that cannot be encoded.
   */
  send(frame: Frame): Promise<void> {
    if (this.state === 'closed') return Promise.reject(LinkError.CLOSED(this.closeInfo?.code));
    if (this.state !== 'open') return Promise.reject(LinkError.NOT_OPEN());
    if (frame.type === 'hello' || frame.type === 'bye' || frame.type === 'ping' || frame.type === 'pong') {
      return Promise.reject(LinkError.PROTOCOL_VIOLATION(`${frame.type} frames are sent by the link itself (use close() for bye)`));
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(frame);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.stream.write(bytes) && !this.needsDrain) return Promise.resolve();
    this.needsDrain = true;
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /**
   * One ping/pong round trip on this link, in ms (`now` clock): the floor a message round trip is
   * measured against (bench/message-rtt.bench.ts), since it crosses the same circuit and Noise
   * session but touches no store. Rejects with LINK_NOT_OPEN / LINK_CLOSED.
   */
  ping(): Promise<number> {
    if (this.state === 'closed') return Promise.reject(LinkError.CLOSED(this.closeInfo?.code));
    if (this.state !== 'open') return Promise.reject(LinkError.NOT_OPEN());
    return new Promise((resolve, reject) => this.writePing({ resolve, reject }));
  }

  /** Writes a ping with a nonce not in flight; `waiter` (ping()) hears its round trip. */
  private writePing(waiter: { resolve: (rttMs: number) => void; reject: (err: Error) => void } | null): void {
    let nonce: number;
    do nonce = Math.floor(this.random() * 0x1_0000_0000) >>> 0; while (this.pings.has(nonce));
    this.pings.set(nonce, { sentAt: this.now(), ...waiter });
    if (!this.stream.write(encodeFrame({ type: 'ping', nonce }))) this.needsDrain = true;
  }

  /** Closes with a bye (reason 'normal' unless given); 'duplicate' is what the tie-break uses. */
  close(reason: ByeReason = 'normal'): Promise<LinkCloseInfo> {
    const error = reason === 'duplicate' ? LinkError.DUPLICATE() : LinkError.CLOSED(reason);
    this.finish({ code: error.code, error, local: true }, reason);
    return this.closed;
  }

  private async onConnect(): Promise<void> {
    if (this.state !== 'handshaking') return;
    const remote = this.stream.remotePublicKey;
    const hash = this.stream.handshakeHash;
    if (remote === null || hash === null) return this.fail(LinkError.HANDSHAKE_FAILED());
    this.sessionId = toHex(hash);
    this.state = 'verifying';
    const peer = new Uint8Array(remote);
    if (this.expectedPeer !== null) {
      if (!equalBytes(peer, this.expectedPeer)) return this.fail(LinkError.WRONG_PEER());
    } else {
      let accepted = false;
      try {
        accepted = await (this.acceptPeer as (peer: Uint8Array) => boolean | Promise<boolean>)(peer.slice());
      } catch (err) {
        return this.fail(LinkError.PEER_REJECTED(err));
      }
      if (this.state !== 'verifying') return; // closed (timeout, peer left) while deciding
      if (accepted !== true) return this.fail(LinkError.PEER_REJECTED());
    }
    this.peer = peer;
    this.state = 'awaiting-hello';
    this.stream.write(this.ownHelloBytes);
    // Frames are read only from here on: nothing a peer says counts before it is authenticated.
    this.stream.on('data', (data: Uint8Array) => this.onData(data));
  }

  private onData(data: Uint8Array): void {
    if (this.state === 'closed') return;
    let frame: Frame;
    try {
      frame = decodeFrame(data);
    } catch (err) {
      return this.fail(data.length > MAX_FRAME_SIZE ? LinkError.FRAME_TOO_LARGE(data.length, MAX_FRAME_SIZE) : LinkError.BAD_FRAME(err));
    }
    if (this.state === 'awaiting-hello') {
      if (frame.type !== 'hello') return this.fail(LinkError.PROTOCOL_VIOLATION(`first frame is ${frame.type}, not hello`));
      return this.onHello(frame);
    }
    this.heardFromPeer();
    switch (frame.type) {
      case 'hello':
        return this.fail(LinkError.PROTOCOL_VIOLATION('second hello'));
      case 'ping':
        // A peer that pings faster than it reads would fill our write buffer with pongs: skip
        // them while the stream is backed up (its own dead-peer timer does not need them).
        if (!this.needsDrain && !this.stream.write(encodeFrame({ type: 'pong', nonce: frame.nonce }))) this.needsDrain = true;
        return;
      case 'pong': {
        const ping = this.pings.get(frame.nonce);
        if (ping === undefined) return;
        this.pings.delete(frame.nonce);
        this.rttMs = this.now() - ping.sentAt;
        ping.resolve?.(this.rttMs);
        return;
      }
      case 'bye': {
        const error = LinkError.REMOTE_BYE(frame.reason);
        return this.finish({ code: error.code, error, local: false, reason: frame.reason }, null);
      }
      case 'presence': this.emit('frame', frame); this.emit('presence', frame); return;
      case 'message': this.emit('frame', frame); this.emit('message', frame); return;
      case 'ack': this.emit('frame', frame); this.emit('ack', frame); return;
      case 'receipt': this.emit('frame', frame); this.emit('receipt', frame); return;
      case 'typing': this.emit('frame', frame); this.emit('typing', frame); return;
      case 'session': this.emit('frame', frame); this.emit('session', frame); return;
    }
  }

  private onHello(hello: HelloFrame): void {
    const own = this.ownHello;
    const version = Math.min(own.maxVersion, hello.maxVersion);
    if (version < Math.max(own.minVersion, hello.minVersion)) {
      return this.fail(LinkError.INCOMPATIBLE(`${own.minVersion}..${own.maxVersion}`, `${hello.minVersion}..${hello.maxVersion}`));
    }
    this.version = version;
    this.capabilities = own.capabilities.filter((c) => hello.capabilities.includes(c));
    this.peerHello = hello;
    this.state = 'open';
    this.clearTimer('handshakeTimer');
    this.heardFromPeer();
    this.scheduleKeepalive();
    this.emit('open', { peer: (this.peer as Uint8Array).slice(), version, capabilities: [...this.capabilities], hello });
  }

  private scheduleKeepalive(): void {
    const j = this.keepaliveJitter;
    const delay = this.keepaliveMs * (1 - j + 2 * j * this.random());
    this.keepaliveTimer = this.timers.setTimeout(() => {
      this.keepaliveTimer = null;
      if (this.state !== 'open') return;
      // A keepalive the peer never answered is not kept: the dead-peer timer judges silence.
      for (const [nonce, ping] of this.pings) if (ping.resolve === undefined) this.pings.delete(nonce);
      if (this.now() - this.lastHeardAt >= this.keepaliveMs * (1 - j)) this.writePing(null);
      this.scheduleKeepalive();
    }, delay);
  }

  private heardFromPeer(): void {
    this.lastHeardAt = this.now();
    this.clearTimer('deadPeerTimer');
    this.deadPeerTimer = this.timers.setTimeout(() => {
      this.deadPeerTimer = null;
      this.fail(LinkError.PEER_TIMEOUT(this.deadPeerMs));
    }, this.deadPeerMs);
  }

  private onDrain(): void {
    this.needsDrain = false;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private onStreamGone(err: Error | null): void {
    if (this.state === 'closed') return;
    if (this.state === 'handshaking') return this.fail(LinkError.HANDSHAKE_FAILED(err ?? new Error('stream ended during the handshake')));
    const error = LinkError.REMOTE_CLOSED(err ?? undefined);
    this.finish({ code: error.code, error, local: false }, null);
  }

  private onStreamClose(): void {
    this.streamClosed = true;
    this.clearTimer('graceTimer');
    if (this.state !== 'closed') this.onStreamGone(null);
    if (this.closeInfo !== null) this.resolveClosed(this.closeInfo);
  }

  /** Closes because of `error`, telling the peer why when the session is authenticated. */
  private fail(error: LinkError): void {
    this.finish({ code: error.code, error, local: true }, BYE_FOR[error.code] ?? null);
  }

  private finish(info: LinkCloseInfo, bye: ByeReason | null): void {
    if (this.state === 'closed') return;
    const secured = this.state === 'awaiting-hello' || this.state === 'open';
    this.state = 'closed';
    this.closeInfo = info;
    this.clearTimer('handshakeTimer');
    this.clearTimer('keepaliveTimer');
    this.clearTimer('deadPeerTimer');
    this.detachGuard();
    // Keep reading (onData drops everything now): the peer's FIN must be seen for the stream to
    // close before the grace timer. Only the oversize path pauses the socket, on purpose.
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w.reject(LinkError.CLOSED(info.code));
    for (const ping of this.pings.values()) ping.reject?.(LinkError.CLOSED(info.code));
    this.pings.clear();

    if (this.streamClosed) {
      this.resolveClosed(info);
    } else if (secured && !this.stream.destroying) {
      // Say why, then half-close; the peer answers by closing. Destroy if it does not.
      if (bye !== null) this.stream.write(encodeFrame({ type: 'bye', reason: bye }));
      this.stream.end();
      this.graceTimer = this.timers.setTimeout(() => { this.graceTimer = null; this.stream.destroy(); }, this.closeGraceMs);
    } else {
      this.stream.destroy();
    }
    this.emit('close', info);
  }

  private clearTimer(name: 'handshakeTimer' | 'keepaliveTimer' | 'deadPeerTimer' | 'graceTimer'): void {
    const handle = this[name];
    if (handle !== null) this.timers.clearTimeout(handle);
    this[name] = null;
  }
}
