// The core side of multi-party sessions (docs/PROTOCOL.md "Multi-party sessions"): one
// GroupSession state machine per session, fed with the group frames that arrive on links and
// ticked by a timer; their outgoing frames go over the contact link when the member is a contact,
// else over the session's own links (session-links.ts: a newcomer's session endpoint that its
// non-contact members dial). Also the invitee's side before it is a member: the invite-privacy
// preference, the pending invitation the user answers, and the hand-over that makes it a member.
// Sessions live in memory only: closing the profile leaves every session.
import {
  DEFAULT_SESSION_INVITE_POLICY, GROUP_SESSION_DEFAULTS, GroupSession, clientAuthKeyPair, decodeGroupFrame,
  encodeGroupFrame, fromHex, isProtocolError, sessionInviteDecision, toHex,
  type GroupFrame, type GroupMembersFrame, type GroupSessionEvent, type GroupSessionOptions, type Identity,
  type InviteMember, type SessionEndpoint, type SessionFrame, type SessionInvitePolicy, type Step, type X25519KeyPair,
} from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import { GroupError } from './errors.ts';
import { saveInvitePolicy, type InvitePreferencePort } from './invite-preference.ts';
import type { SessionLinks } from './session-links.ts';

/** How frames reach other members. */
export interface SessionCarrier {
  /** Writes the frame on a link to `to` if one is up; false when there is none. */
  send(to: Uint8Array, frame: SessionFrame): boolean;
  /** Whether `key` is a confirmed contact (the invite preference "contacts only"). */
  isContact(key: Uint8Array): boolean;
}

export interface SessionInvitationInfo {
  sessionId: string;
  inviter: string;
  title: string;
  /** Identity keys (hex) of the members the invitee would be present to. */
  members: string[];
}

export interface SessionMessageInfo {
  id: string;
  sender: string;
  body: string;
  sentAt: number;
  lamport: number;
}

export interface SessionInfo {
  sessionId: string;
  title: string;
  members: string[];
  coordinator: string;
  state: 'joining' | 'active' | 'left';
}

export type GroupEvent =
  /** Someone invites us and the preference lets the user decide (join / reject). */
  | { type: 'session-invitation'; invitation: SessionInvitationInfo }
  /** The preference refused an invitation without asking (for the debug log). */
  | { type: 'session-invitation-refused'; sessionId: string; inviter: string }
  | { type: 'session-joined'; session: SessionInfo; unreached: string[] }
  /** A message to show; `index` is its place in the session's order (docs/PROTOCOL.md order rule). */
  | { type: 'session-message'; sessionId: string; message: SessionMessageInfo; index: number }
  | { type: 'session-members'; session: SessionInfo }
  | { type: 'session-invite'; sessionId: string; invitee: string; result: 'sent' | 'rejected' | 'expired' }
  | { type: 'session-left'; sessionId: string }
  | { type: 'session-warning'; sessionId: string | null; code: string; message: string };

interface Pending {
  invitation: SessionInvitationInfo;
  inviter: Uint8Array;
  members: InviteMember[];
  state: 'asking' | 'joining';
  since: number;
  /** Set once the user joined: our session client-auth key pair and endpoint. */
  clientAuth: X25519KeyPair | null;
  endpoint: SessionEndpoint | null;
}

export interface GroupSessionsOptions {
  identity: Identity;
  clock: Clock;
  carrier: SessionCarrier;
  /** Links to members that are not contacts; null: such members stay unreached. */
  links: SessionLinks | null;
  emit(event: GroupEvent): void;
  /** Who may invite me, as loaded from the profile (invite-preference.ts); default contacts only. */
  policy?: SessionInvitePolicy;
  /** Where setInvitePolicy saves it (the profile's settings); none: kept in memory only. */
  preferenceStore?: InvitePreferencePort;
  /** State machine timings (tests shrink them). */
  timings?: GroupSessionOptions;
  /** How often timeouts are checked. */
  tickMs?: number;
}

const TITLE_DEFAULT = 'Group chat';
/**
 * Group frames written on a contact link in this window are written again on the next link to that
 * contact: a link replaced (both sides dialed) or cut right after a write may have lost them, and
 * every frame is safe to receive twice (message ids, one queue entry per member, drops).
 */
const RESEND_WINDOW_MS = 15_000;
const RESEND_MAX_PER_PEER = 32;

export class GroupSessions {
  private readonly o: GroupSessionsOptions;
  private readonly sessions = new Map<string, GroupSession>();
  private readonly pending = new Map<string, Pending>();
  /** Our session client-auth key pair per session: its secret dials newer members' endpoints. */
  private readonly clientAuth = new Map<string, X25519KeyPair>();
  /** Frames recently written on contact links, per contact (hex), for linkUp(). */
  private readonly recent = new Map<string, { at: number; frame: SessionFrame }[]>();
  private policy: SessionInvitePolicy;
  private timer: unknown = null;
  private closed = false;

  constructor(opts: GroupSessionsOptions) {
    this.o = opts;
    this.policy = opts.policy ?? DEFAULT_SESSION_INVITE_POLICY;
  }

  // --- user actions ------------------------------------------------------------------------

  invitePolicy(): SessionInvitePolicy { return this.policy; }

  /** Saves who may invite me in the profile, then applies it to every invitation that arrives after. */
  async setInvitePolicy(policy: SessionInvitePolicy): Promise<void> {
    this.requireOpen();
    if (this.o.preferenceStore) await saveInvitePolicy(this.o.preferenceStore, policy);
    this.policy = policy;
  }

  /** Starts a session with us as its only member and coordinator; returns its id (hex). */
  create(title = TITLE_DEFAULT): SessionInfo {
    this.requireOpen();
    const clientAuth = this.newClientAuth();
    const session = GroupSession.create({
      self: this.o.identity, sessionId: this.o.clock.randomBytes(16), title, clientAuthKey: clientAuth.publicKey, ...this.timings(),
    });
    const id = toHex(session.sessionId);
    this.sessions.set(id, session);
    this.schedule();
    this.clientAuth.set(id, clientAuth);
    return this.info(session);
  }

  invite(sessionId: string, invitee: string): void {
    const session = this.require(sessionId);
    this.apply(session, session.invite(fromHex(invitee, 32), this.o.clock.now()));
  }

  send(sessionId: string, body: string): SessionMessageInfo {
    const session = this.require(sessionId);
    const id = this.o.clock.randomBytes(16);
    this.apply(session, session.send({ id, body, now: this.o.clock.now() }));
    const mine = session.messages.find((m) => toHex(m.id) === toHex(id))!;
    return messageInfo(mine);
  }

  leave(sessionId: string): void {
    const session = this.require(sessionId);
    this.apply(session, session.leave());
    this.sessions.delete(sessionId);
    this.clientAuth.delete(sessionId);
    void this.o.links?.close(sessionId).catch((err: Error) => this.warn(sessionId, 'SESSION_CLOSE', err.message));
    this.o.emit({ type: 'session-left', sessionId });
  }

  /**
   * The user's answer to a pending invitation. Joining a session with members who are not our
   * contacts first opens our session endpoint for them (resolves once tor published it).
   */
  async answer(sessionId: string, join: boolean): Promise<void> {
    this.requireOpen();
    const p = this.pending.get(sessionId);
    if (p === undefined || p.state !== 'asking') throw GroupError.NO_INVITATION();
    const sid = fromHex(sessionId, 16);
    if (!join) {
      this.pending.delete(sessionId);
      this.sendFrame(p.inviter, { type: 'reject', sessionId: sid }, sessionId);
      return;
    }
    p.state = 'joining';
    const clientAuth = this.newClientAuth();
    const strangers = p.members.filter((m) => !this.o.carrier.isContact(m.member));
    const endpoint = strangers.length > 0 && this.o.links ? await this.o.links.openEndpoint(sessionId, strangers) : null;
    if (this.closed || this.pending.get(sessionId) !== p) return;
    p.clientAuth = clientAuth;
    p.endpoint = endpoint;
    p.since = this.o.clock.now();
    this.sendFrame(p.inviter, { type: 'join', sessionId: sid, clientAuthKey: clientAuth.publicKey, endpoint }, sessionId);
  }

  list(): SessionInfo[] { return [...this.sessions.values()].map((s) => this.info(s)); }
  invitations(): SessionInvitationInfo[] { return [...this.pending.values()].filter((p) => p.state === 'asking').map((p) => p.invitation); }
  messages(sessionId: string): SessionMessageInfo[] { return this.require(sessionId).messages.map(messageInfo); }

  /** Leaves every session (members are told) and stops the timer. */
  close(): void {
    if (this.closed) return;
    for (const id of [...this.sessions.keys()]) this.leave(id);
    for (const id of this.pending.keys()) void this.o.links?.close(id).catch(() => undefined);
    this.pending.clear();
    this.recent.clear();
    this.closed = true;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  // --- frames from links -------------------------------------------------------------------

  /** A group frame from the link authenticated as `from`. */
  receive(from: Uint8Array, frame: SessionFrame): void {
    if (this.closed) return;
    let group: GroupFrame;
    try {
      group = decodeGroupFrame(frame);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      this.warn(null, err.code, `a session frame from ${toHex(from).slice(0, 8)} does not decode: ${err.message}`);
      return;
    }
    const id = toHex(group.sessionId);
    const session = this.sessions.get(id);
    if (session !== undefined) {
      this.apply(session, session.receive(from, group, this.o.clock.now()));
    } else if (group.type === 'invite') {
      this.onInvite(from, id, group.title, group.members);
    } else if (group.type === 'members') {
      this.onMembers(from, id, group);
    } else {
      this.warn(id, 'NO_SESSION', `a ${group.type} frame for a session we are not in`);
    }
  }

  /** A new contact link to `peer` is up: what we wrote to it in the last seconds goes again. */
  linkUp(peer: Uint8Array): void {
    if (this.closed) return;
    const now = this.o.clock.now();
    const frames = (this.recent.get(toHex(peer)) ?? []).filter((r) => now - r.at < RESEND_WINDOW_MS);
    for (const r of frames) this.o.carrier.send(peer, r.frame);
  }

  private onInvite(from: Uint8Array, id: string, title: string, members: InviteMember[]): void {
    if (this.pending.has(id)) return;
    const inviter = toHex(from);
    if (sessionInviteDecision(this.policy, from, this.o.carrier.isContact(from)) === 'reject') {
      this.sendFrame(from, { type: 'reject', sessionId: fromHex(id, 16) }, id);
      this.o.emit({ type: 'session-invitation-refused', sessionId: id, inviter });
      return;
    }
    const invitation = { sessionId: id, inviter, title, members: members.map((m) => toHex(m.member)) };
    this.pending.set(id, { invitation, inviter: from.slice(), members, state: 'asking', since: this.o.clock.now(), clientAuth: null, endpoint: null });
    this.schedule();
    this.o.emit({ type: 'session-invitation', invitation });
  }

  private onMembers(from: Uint8Array, id: string, frame: GroupMembersFrame): void {
    const p = this.pending.get(id);
    if (p === undefined || p.state !== 'joining' || p.clientAuth === null || toHex(from) !== p.invitation.inviter) {
      this.warn(id, 'NO_INVITATION', 'a member list we did not ask for');
      return;
    }
    this.pending.delete(id);
    const { session, step } = GroupSession.join({
      self: this.o.identity, clientAuthKey: p.clientAuth.publicKey, endpoint: p.endpoint, from, frame, title: p.invitation.title,
      now: this.o.clock.now(), ...this.timings(),
    });
    this.sessions.set(id, session);
    this.schedule();
    this.clientAuth.set(id, p.clientAuth);
    this.apply(session, step);
  }

  // --- internals ---------------------------------------------------------------------------

  private timings(): { options?: GroupSessionOptions } {
    return this.o.timings ? { options: this.o.timings } : {};
  }

  /**
   * The tick runs only while a session or an invitation is open: an idle core with no group
   * session must not wake every second (issue 11 item 6, bench/idle100.bench.ts).
   */
  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.tick();
      if (this.sessions.size > 0 || this.pending.size > 0) this.schedule();
    }, this.o.tickMs ?? 1_000);
  }

  private tick(): void {
    const now = this.o.clock.now();
    for (const session of this.sessions.values()) this.apply(session, session.tick(now));
    const giveUpAfter = this.o.timings?.inviteTimeoutMs ?? GROUP_SESSION_DEFAULTS.inviteTimeoutMs;
    for (const [id, p] of this.pending) {
      if (p.state === 'joining' && p.clientAuth !== null && now - p.since >= giveUpAfter) {
        this.pending.delete(id);
        void this.o.links?.close(id).catch(() => undefined);
        this.warn(id, 'JOIN_UNANSWERED', 'the inviter did not hand over the member list');
      }
    }
  }

  private apply(session: GroupSession, step: Step): void {
    const id = toHex(session.sessionId);
    for (const out of step.send) this.sendFrame(out.to, out.frame, id);
    for (const e of step.events) this.translate(session, id, e);
  }

  private sendFrame(to: Uint8Array, frame: GroupFrame, sessionId: string): void {
    const link = encodeGroupFrame(frame);
    if (this.o.carrier.send(to, link)) {
      this.remember(to, link);
    } else if (!(this.o.links?.send(sessionId, to, link) ?? false) && !(this.o.links?.sendOnAny(to, link) ?? false)) {
      this.warn(sessionId, 'NO_LINK', `no link to ${toHex(to).slice(0, 8)} for a ${frame.type} frame`);
    }
  }

  private translate(session: GroupSession, id: string, e: GroupSessionEvent): void {
    switch (e.type) {
      case 'message':
        this.o.emit({ type: 'session-message', sessionId: id, message: messageInfo(e.message), index: e.index });
        return;
      case 'member-left':
      case 'member-joined':
      case 'coordinator-changed':
        // A member that left completes no handshake on our endpoint any more, and if the endpoint
        // authorized it at tor level, it is re-created without it (docs/THREAT-MODEL.md).
        if (e.type === 'member-left' && this.o.links?.forget(id, e.member)) this.moveEndpoint(id);
        if (session.state !== 'joining') this.o.emit({ type: 'session-members', session: this.info(session) });
        return;
      case 'joined':
        this.o.emit({ type: 'session-joined', session: this.info(session), unreached: e.unreached.map(toHex) });
        return;
      case 'invite-sent':
        this.o.emit({ type: 'session-invite', sessionId: id, invitee: toHex(e.invitee), result: 'sent' });
        return;
      case 'invite-rejected':
        this.o.emit({ type: 'session-invite', sessionId: id, invitee: toHex(e.invitee), result: 'rejected' });
        return;
      case 'invite-expired':
        this.o.emit({ type: 'session-invite', sessionId: id, invitee: toHex(e.invitee), result: 'expired' });
        return;
      case 'member-moved':
        this.o.links?.retarget(id, e.member, e.endpoint);
        return;
      case 'dropped':
        this.warn(id, e.code, `dropped a ${e.frame} frame from ${toHex(e.from).slice(0, 8)}`);
        return;
      case 'member-expected': {
        // A newcomer we have no contact link to: we dial the endpoint it opened for us.
        const mine = this.clientAuth.get(id);
        if (e.endpoint !== null && mine !== undefined && this.o.links && !this.o.carrier.isContact(e.member)) {
          this.o.links.dial(id, e.member, e.endpoint, mine.secretKey);
        }
        return;
      }
    }
  }

  /** Re-creates our session endpoint and tells the members it still serves where it is now. */
  private moveEndpoint(id: string): void {
    void this.o.links?.recreateEndpoint(id).then((moved) => {
      const session = this.sessions.get(id);
      if (moved === null || session === undefined || this.closed) return;
      this.apply(session, session.announceEndpoint(moved.endpoint, moved.members));
    }).catch((err: Error) => this.warn(id, 'SESSION_ENDPOINT', `re-creating the session endpoint failed: ${err.message}`));
  }

  private remember(to: Uint8Array, frame: SessionFrame): void {
    const now = this.o.clock.now();
    const hex = toHex(to);
    const kept = (this.recent.get(hex) ?? []).filter((r) => now - r.at < RESEND_WINDOW_MS).slice(-(RESEND_MAX_PER_PEER - 1));
    kept.push({ at: now, frame });
    this.recent.set(hex, kept);
  }

  /** A fresh session client-auth key pair (docs/THREAT-MODEL.md "Multi-party sessions"). */
  private newClientAuth(): X25519KeyPair {
    return clientAuthKeyPair(this.o.clock.randomBytes(32), 0);
  }

  private info(session: GroupSession): SessionInfo {
    return {
      sessionId: toHex(session.sessionId), title: session.title, members: session.memberList.map((m) => toHex(m.member)),
      coordinator: toHex(session.coordinator), state: session.state,
    };
  }

  private warn(sessionId: string | null, code: string, message: string): void {
    this.o.emit({ type: 'session-warning', sessionId, code, message });
  }

  private requireOpen(): void {
    if (this.closed) throw GroupError.CLOSED();
  }

  private require(sessionId: string): GroupSession {
    this.requireOpen();
    const session = this.sessions.get(sessionId);
    if (session === undefined) throw GroupError.NO_SESSION();
    return session;
  }
}

function messageInfo(m: { id: Uint8Array; sender: Uint8Array; body: string; sentAt: number; lamport: number }): SessionMessageInfo {
  return { id: toHex(m.id), sender: toHex(m.sender), body: m.body, sentAt: m.sentAt, lamport: m.lamport };
}
