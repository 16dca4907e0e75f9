// LinkTable: at most one open ContactLink per contact (DESIGN D6), using the tie-break of
// tie-break.ts when two links to the same contact are open at once (simultaneous dial, or a
// redial while a dead link has not timed out yet). The loser is closed with bye 'duplicate'.
//
// Presence hangs on this table ("contact online = link up"), so it hides one harmless flap:
// when the current link is closed by the peer with 'duplicate', the peer has chosen another
// connection that may not have finished its hello on our side yet. The table waits
// duplicateGraceMs for it before reporting the contact unlinked.
import { EventEmitter } from 'node:events';
import { toHex } from '../../protocol/index.ts';
import type { ContactLink, LinkCloseInfo, LinkTimers } from './contact-link.ts';
import { LinkError } from './errors.ts';
import { preferLink } from './tie-break.ts';

export interface LinkTableEvents {
  /** `link` is now the contact's link; `replaced` is the one it superseded, if any. */
  link: [peer: string, link: ContactLink, replaced: ContactLink | null];
  /** The contact has no link any more. */
  unlink: [peer: string, info: LinkCloseInfo];
}

export interface LinkTableOptions {
  identityPublicKey: Uint8Array;
  timers?: LinkTimers;
  duplicateGraceMs?: number;
}

export type LinkAdmission = 'added' | 'replaced' | 'rejected';

interface Entry {
  link: ContactLink;
  onClose: (info: LinkCloseInfo) => void;
  /** Set while waiting for the peer's preferred link after a remote 'duplicate' bye. */
  graceTimer: unknown;
  lastClose: LinkCloseInfo | null;
}

export class LinkTable extends EventEmitter<LinkTableEvents> {
  private readonly own: Uint8Array;
  private readonly timers: LinkTimers;
  private readonly duplicateGraceMs: number;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: LinkTableOptions) {
    super();
    if (!(opts.identityPublicKey instanceof Uint8Array) || opts.identityPublicKey.length !== 32) {
      throw LinkError.BAD_OPTIONS('identityPublicKey must be 32 bytes');
    }
    this.own = opts.identityPublicKey.slice();
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.duplicateGraceMs = opts.duplicateGraceMs ?? 5_000;
  }

  /**
   * Offers an open link. Returns 'added' (first link to this contact), 'replaced' (it won the
   * tie-break against the current one, which is closed) or 'rejected' (it lost and is closed).
   */
  add(link: ContactLink): LinkAdmission {
    const peerHex = link.peerHex;
    if (link.state !== 'open' || link.peer === null || peerHex === null) {
      throw LinkError.NOT_OPEN();
    }
    const entry = this.entries.get(peerHex);
    const current = entry?.link ?? null;
    if (current !== null && current !== link && current.state === 'open') {
      const winner = preferLink(current, link, this.own, link.peer);
      if (winner === current) {
        void link.close('duplicate');
        return 'rejected';
      }
    }
    if (current === link) return 'added';
    this.install(peerHex, link);
    if (current !== null && current.state !== 'closed') void current.close('duplicate');
    this.emit('link', peerHex, link, current);
    return current === null ? 'added' : 'replaced';
  }

  get(peer: Uint8Array | string): ContactLink | undefined {
    const entry = this.entries.get(typeof peer === 'string' ? peer : toHex(peer));
    return entry !== undefined && entry.link.state === 'open' ? entry.link : undefined;
  }

  has(peer: Uint8Array | string): boolean {
    return this.get(peer) !== undefined;
  }

  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.link.state === 'open') n++;
    return n;
  }

  peers(): string[] {
    return [...this.entries.entries()].filter(([, e]) => e.link.state === 'open').map(([k]) => k);
  }

  /** Closes the contact's link (revoke, block, delete). */
  async drop(peer: Uint8Array | string, reason: 'normal' | 'shutdown' = 'normal'): Promise<void> {
    const key = typeof peer === 'string' ? peer : toHex(peer);
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    if (entry.link.state === 'closed') {
      // Waiting out a duplicate grace: the contact is being dropped, so report it now.
      if (entry.graceTimer !== null) this.timers.clearTimeout(entry.graceTimer);
      this.entries.delete(key);
      if (entry.lastClose !== null) this.emit('unlink', key, entry.lastClose);
      return;
    }
    await entry.link.close(reason);
  }

  async closeAll(reason: 'normal' | 'shutdown' = 'shutdown'): Promise<void> {
    await Promise.all([...this.entries.keys()].map((k) => this.drop(k, reason)));
  }

  private install(peerHex: string, link: ContactLink): void {
    const old = this.entries.get(peerHex);
    if (old !== undefined) {
      old.link.off('close', old.onClose);
      if (old.graceTimer !== null) this.timers.clearTimeout(old.graceTimer);
    }
    const entry: Entry = { link, onClose: (info) => this.onClose(peerHex, entry, info), graceTimer: null, lastClose: null };
    link.on('close', entry.onClose);
    this.entries.set(peerHex, entry);
  }

  private onClose(peerHex: string, entry: Entry, info: LinkCloseInfo): void {
    if (this.entries.get(peerHex) !== entry) return;
    entry.lastClose = info;
    if (info.code === 'LINK_REMOTE_BYE' && info.reason === 'duplicate') {
      entry.graceTimer = this.timers.setTimeout(() => {
        if (this.entries.get(peerHex) !== entry) return;
        this.entries.delete(peerHex);
        this.emit('unlink', peerHex, info);
      }, this.duplicateGraceMs);
      return;
    }
    this.entries.delete(peerHex);
    this.emit('unlink', peerHex, info);
  }
}
