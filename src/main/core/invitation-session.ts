// Inviter side of an open invitation while it is live (DESIGN D3): we meet the unknown redeemer
// under s with fixed roles (inviter 0, redeemer 1), learn their identity key from the Noise
// handshake and their name from hello, and hold that link until the user confirms or declines.
// A second redeemer (someone else who read the e-mail) is refused with a decline that says "taken".
// After confirmation the session is retired: its entries under s are dropped at once (whoever read
// the e-mail knows s and must find nothing live under it, docs/THREAT-MODEL.md "Invitation-mail
// reader"), and its endpoint lives only while the link handed to the new contact does (closing the
// onion would cut that link); then it stops. A redeemer who comes after that learns "taken" from
// the tombstone the confirmation writes once (invitation-taken.ts), not from this session.
import { equalBytes, type Identity } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';
import type { LinkFactory, LinkPort, RegistryPort, TorPort } from './ports.ts';
import { Rendezvous, type RendezvousTimings } from './rendezvous.ts';

export interface Redeemer { publicKey: Uint8Array; displayName: string }

/** Payload of a `session decline` frame: why the invitation was refused (docs/PROTOCOL.md). */
export const DECLINE_REASON = { declined: new Uint8Array(0), taken: Uint8Array.of(1) } as const;
export function declineWasTaken(payload: Uint8Array): boolean {
  return payload.length === 1 && payload[0] === 1;
}

export interface InvitationSessionOptions {
  invitationId: string;
  secret: Uint8Array;
  identity: Identity;
  displayName: () => string;
  /** Set when the invitation was already redeemed before a restart: only this key may come back. */
  redeemer: Redeemer | null;
  tor: TorPort;
  registry: RegistryPort;
  links: LinkFactory;
  clock: Clock;
  timings: RendezvousTimings;
  /** First redemption: persist and ask the user. Returns false to refuse (e.g. already a contact). */
  onRedeemed(redeemer: Redeemer): Promise<boolean>;
  onWarning(code: string, message: string): void;
}

export class InvitationSession {
  private readonly o: InvitationSessionOptions;
  private readonly rendezvous: Rendezvous;
  private redeemer: Redeemer | null;
  private link: LinkPort | null = null;
  private stopped = false;
  /** Confirmed: only turns later redeemers away. */
  private retired = false;

  constructor(opts: InvitationSessionOptions) {
    this.o = opts;
    this.redeemer = opts.redeemer;
    this.rendezvous = new Rendezvous({
      pairing: { id: `invitation/${opts.invitationId}`, sharedKey: opts.secret, ownRole: 0, peerIdentityPk: null },
      expectedPeer: opts.redeemer?.publicKey ?? null,
      identity: opts.identity,
      displayName: opts.displayName,
      tor: opts.tor, registry: opts.registry, links: opts.links, clock: opts.clock, timings: opts.timings,
      onLink: (link) => this.onLink(link),
      onEntry: () => undefined,
      onWarning: opts.onWarning,
    });
  }

  start(): Promise<void> {
    return this.rendezvous.start({ kind: 'visible', state: 'online' });
  }

  private onLink(link: LinkPort): void {
    if (this.stopped) { link.close('normal'); return; }
    const peer = link.remotePublicKey;
    if (this.redeemer && !equalBytes(this.redeemer.publicKey, peer)) {
      // One-time use: whoever comes second is turned away (DESIGN D3), and told why.
      link.send({ type: 'session', kind: 'decline', payload: DECLINE_REASON.taken });
      link.close('normal');
      return;
    }
    // The confirmed redeemer talks to us under K_AB now; a late dial under s just ends.
    if (this.retired) { link.close('normal'); return; }
    // The link exchanged hello before it was handed to us: we know the redeemer's name already.
    void this.redeemed(link, { publicKey: peer, displayName: link.peerName });
  }

  private async redeemed(link: LinkPort, who: Redeemer): Promise<void> {
    if (this.stopped) { link.close('normal'); return; }
    if (!this.redeemer) {
      const ok = await this.o.onRedeemed(who).catch(() => false);
      if (!ok || this.stopped) {
        link.send({ type: 'session', kind: 'decline', payload: DECLINE_REASON.taken });
        link.close('normal');
        return;
      }
      this.redeemer = who;
    } else if (!equalBytes(this.redeemer.publicKey, who.publicKey)) {
      link.close('normal');
      return;
    }
    const old = this.link;
    this.link = link;
    this.rendezvous.setLinkUp(true);
    if (old && old !== link) old.close('duplicate');
    // Last, as in ContactChannel.attach: the link may have closed while the inviter was deciding
    // (onRedeemed waits for a person); a closed link reports at once and must find itself held.
    link.onClose(() => {
      if (this.link === link) { this.link = null; this.rendezvous.setLinkUp(false); }
    });
  }

  /** The held link to the redeemer, detached so the new contact can keep it (no reconnect). */
  takeLink(): LinkPort | null {
    const link = this.link;
    this.link = null;
    return link;
  }

  /**
   * The inviter confirmed the redeemer: nothing is published or looked up under s any more (the
   * entries are dropped now, not at expiry), and we never dial under s again (marked linked: a
   * dial to the confirmed redeemer's bootstrap endpoint would race its new link under K_AB). The
   * endpoint stays only for the handed-over link; `stop` follows when that link closes.
   */
  retire(): void {
    this.retired = true;
    const link = this.link;
    this.link = null;
    link?.close('normal');
    this.rendezvous.setLinkUp(true);
    void this.o.registry.drop(`invitation/${this.o.invitationId}`).catch(() => undefined);
  }

  async stop(opts: { decline: boolean }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const link = this.link;
    this.link = null;
    if (link) {
      if (opts.decline) link.send({ type: 'session', kind: 'decline', payload: DECLINE_REASON.declined });
      link.close('normal');
    }
    // Entries under s are dropped: after the upgrade nobody may find anything under s (DESIGN D3).
    await this.rendezvous.stop({ dropEntries: true });
  }
}
