// What the core needs from the parts it composes, as narrow interfaces. `wiring.ts` builds them
// from src/main/tor, src/main/registry and src/main/link; the core itself only sees these, so a
// contract change below is absorbed in one adapter file. The store (src/main/store) is used as is.
import type { Duplex } from 'node:stream';
import type { Frame, ByeReason } from '../../protocol/frames.ts';
import type { Identity, Role } from '../../protocol/index.ts';
import type { AnnouncedState } from './presence.ts';

export interface BootstrapProgress { progress: number; summary: string }

export interface TorPort {
  /** Starts tor and resolves once bootstrapped; reports progress on the way. */
  start(onProgress: (p: BootstrapProgress) => void): Promise<void>;
  /** Called after tor crashed and came back: endpoints are gone, re-create and re-publish. */
  onRestart(listener: () => void): void;
  /**
   * ADD_ONION (ED25519-V3, DiscardPK, V3Auth) serving `target`, reachable only with the secret
   * half of one of `clientAuthPublicKeys`; resolves after HS_DESC UPLOADED (DESIGN D5).
   */
  addEndpoint(opts: { clientAuthPublicKeys: Uint8Array[]; target: { host: string; port: number }; signal?: AbortSignal }): Promise<{ onion: string }>;
  removeEndpoint(onion: string): Promise<void>;
  /** ONION_CLIENT_AUTH_ADD then SOCKS5 with per-contact isolation, retrying while descriptors propagate. */
  connect(opts: { onion: string; port: number; clientAuthSecretKey: Uint8Array; isolation: string; signal?: AbortSignal }): Promise<Duplex>;
  forgetClientAuth(onion: string): Promise<void>;
  stop(): Promise<void>;
}

/** One pairing: the key material both sides share (K_AB, or s while an open invite is pending). */
export interface Pairing {
  /** Stable id used by the registry publisher (contact id or invitation id). */
  id: string;
  sharedKey: Uint8Array;
  ownRole: Role;
  /** The peer's identity key (their entries must be signed by it); null while an open invite is pending. */
  peerIdentityPk: Uint8Array | null;
  /**
   * Not met yet (an invitation, a pending contact): without a link it must be findable at once.
   * Default true. A confirmed contact (false) is made findable at once only after a link of this
   * session dropped; a new contact's first link is handed over, so it needs no slot before the
   * next hour (docs/PROTOCOL.md "Registry schedule").
   */
  firstMeeting?: boolean;
}

export type PublishedValue =
  | { kind: 'endpoint'; onion: string; state: AnnouncedState }
  /** A dummy of identical size in place of the real entry (invisible / blocked, DESIGN D4). */
  | { kind: 'hidden' }
  /** Encrypted "gone" state of the same size: we are going offline. */
  | { kind: 'gone' };

export interface FoundEntry { onion: string; timestamp: number; gone: boolean; state: AnnouncedState | 'gone' }

/** A hyperdht mutable record signed by its writer (the registry checks the signature on reads). */
export interface RawRecord { publicKey: Uint8Array; seq: number; value: Uint8Array; signature: Uint8Array }

export interface RegistryPort {
  /** Sets (or replaces) what we publish for this pairing; published at once and kept fresh. */
  publish(pairing: Pairing, value: PublishedValue): Promise<void>;
  /** Stops publishing for this pairing entirely (revoke, delete, key upgrade). */
  drop(pairingId: string): Promise<void>;
  /**
   * Every lookup period (one padded sweep over all pairings, docs/PROTOCOL.md "Registry
   * schedule"), the peer's newest valid entry for this pairing, or null. Returns the unsubscribe.
   */
  watch(pairing: Pairing, listener: (entry: FoundEntry | null) => void, opts?: { visible: boolean }): () => void;
  /** Whether a link to this pairing is up: one without a link must be findable now. */
  setLinked(pairingId: string, linked: boolean): void;
  /**
   * The core has registered (watch) every pairing it starts with at unlock: the schedule may begin
   * now instead of after a fixed settle time, so the first padded sweep finds contacts that are
   * already online at once (issue 11 item 1). Optional: without it the settle time applies.
   */
  registeredAll?(): void;
  /**
   * Puts signed records once, never refreshed (record I as replica I), retried a few times on
   * failure, then given up (docs/PROTOCOL.md "Invitation taken tombstone"). Optional: a registry
   * without anywhere to keep records (a test's offline one) leaves it out.
   */
  writeOnce?(records: readonly RawRecord[]): void;
  /**
   * Reads `keys` in every lookup sweep (inside its padding) until unsubscribed; `listener` hears
   * each validly signed record found under one of them. Optional, as writeOnce.
   */
  watchKeys?(id: string, keys: readonly Uint8Array[], listener: (record: RawRecord) => void): () => void;
  /** Publishes "gone" for every pairing (when `gone`), then stops. */
  stop(opts: { gone: boolean }): Promise<void>;
}

/** How a link ended: the peer's bye reason or 'error', and the link layer's close code. */
export interface LinkClosed {
  reason: ByeReason | 'error';
  error?: Error;
  /** src/main/link LinkError code (LINK_BAD_FRAME, LINK_REMOTE_BYE, ...). */
  code: string;
  /** True when our side closed it (including because of the peer's misbehaviour). */
  local: boolean;
}

export interface LinkPort {
  readonly remotePublicKey: Uint8Array;
  readonly initiator: boolean;
  /** Display name from the peer's hello (the link exchanges hello itself). */
  readonly peerName: string;
  /**
   * Application frames only (presence, message, ack, receipt, typing, session); never throws or
   * rejects. Resolves when the stream takes more (back-pressure: a sender of many frames awaits
   * it before the next one) or once the link is closed.
   */
  send(frame: Frame): Promise<void>;
  close(reason: ByeReason): void;
  /**
   * One ping/pong round trip on this link, ms: the same circuit and session as the frames, no
   * store (bench/message-rtt.bench.ts measures messages against it). Optional: in-process links lack it.
   */
  ping?(): Promise<number>;
  onFrame(listener: (frame: Frame) => void): void;
  /** Called once when the link is closed, for any reason (bye, bad frame, timeout, socket error). */
  onClose(listener: (info: LinkClosed) => void): void;
}

export interface LinkFactory {
  /**
   * Runs the Noise handshake (secret-stream, identity keys) over an onion stream. Resolves when
   * the handshake is done; `expectedPeer` (if given) must equal the remote static key, else the
   * stream is destroyed and this rejects.
   */
  open(opts: {
    stream: Duplex; initiator: boolean; identity: Identity; expectedPeer: Uint8Array | null; displayName: string;
    /** Used when `expectedPeer` is null: decides on the authenticated key (a group endpoint accepts only its members). */
    acceptPeer?: (peer: Uint8Array) => boolean;
  }): Promise<LinkPort>;
}
