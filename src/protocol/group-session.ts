// The multi-party session state machine, one per session per member (docs/PROTOCOL.md
// "Multi-party sessions"). Pure: it never sends, reads a clock or draws randomness; every call takes
// `now` and returns a Step (frames to send, addressed by identity key, and events for the user
// interface). The core carries the frames over links and calls tick(now) from its timer.
//
// Membership changes one at a time: only the holder of the invitation token invites; the
// coordinator grants the token to one requester at a time and frees it when the newcomer reports
// `complete`, the holder `token-release`s it (reject, no answer), its lease runs out, or the holder
// leaves. A leaving coordinator names its successor (the longest-standing other member) and the
// token holder; requests that reach a member who is not the coordinator are redirected, and a
// requester whose coordinator left asks the successor again.
import { equalBytes, fromHex, toHex } from './bytes.ts';
import { CodedError, ProtocolError, isProtocolError } from './errors.ts';
import {
  MAX_GROUP_MEMBERS, encodeGroupFrame,
  type GroupFrame, type GroupMembersFrame, type SessionEndpoint,
} from './group-frames.ts';
import { SessionTimeline } from './group-order.ts';
import { checkSessionTicket, issueSessionTicket, type SessionTicket } from './group-ticket.ts';
import type { Identity } from './identity.ts';

export const GROUP_SESSION_DEFAULTS = {
  /** An invitee that has not answered by then is given up and the token released. */
  inviteTimeoutMs: 120_000,
  /** The coordinator frees a token held this long (a holder that vanished without a leave). */
  tokenLeaseMs: 300_000,
  /** A token request with no grant or redirect by then is asked again (of the coordinator known then). */
  requestRetryMs: 15_000,
  /** A newcomer not admitted by every member by then reports complete with the members it reached. */
  joinTimeoutMs: 90_000,
} as const;

export type GroupSessionOptions = Partial<typeof GROUP_SESSION_DEFAULTS>;

export type SessionStateErrorCode = 'SESSION_NOT_ACTIVE' | 'SESSION_BUSY' | 'ALREADY_MEMBER' | 'SESSION_FULL' | 'NOT_INVITED';

export class SessionStateError extends CodedError<SessionStateErrorCode> {
  override readonly name = 'SessionStateError';
  constructor(code: SessionStateErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }
  static NOT_ACTIVE(): SessionStateError { return new SessionStateError('SESSION_NOT_ACTIVE', 'this member is not (or no longer) in the session'); }
  static BUSY(): SessionStateError { return new SessionStateError('SESSION_BUSY', 'an invitation from this member is still running'); }
  static ALREADY_MEMBER(): SessionStateError { return new SessionStateError('ALREADY_MEMBER', 'already a member of the session'); }
  static FULL(): SessionStateError { return new SessionStateError('SESSION_FULL', `a session holds at most ${MAX_GROUP_MEMBERS} members`); }
  static NOT_INVITED(): SessionStateError { return new SessionStateError('NOT_INVITED', 'the member list is not an answer to this member\'s join'); }
}

export interface SessionMessage {
  readonly id: Uint8Array;
  readonly lamport: number;
  readonly sender: Uint8Array;
  readonly sentAt: number;
  readonly body: string;
}

export interface SessionMember {
  readonly member: Uint8Array;
  /** Its session client-auth key (x25519): what a newcomer's endpoint authorizes. */
  readonly clientAuthKey: Uint8Array;
  readonly endpoint: SessionEndpoint | null;
}

export interface Outgoing { readonly to: Uint8Array; readonly frame: GroupFrame }

export type GroupSessionEvent =
  | { type: 'message'; message: SessionMessage; index: number }
  /** A ticket was announced by its issuer: a member that is not the newcomer's contact dials `endpoint`. */
  | { type: 'member-expected'; member: Uint8Array; clientAuthKey: Uint8Array; endpoint: SessionEndpoint | null }
  | { type: 'member-joined'; member: Uint8Array; endpoint: SessionEndpoint | null }
  | { type: 'member-left'; member: Uint8Array }
  /** A member re-created its session endpoint (or closed it: null); a member that dials it dials here from now on. */
  | { type: 'member-moved'; member: Uint8Array; endpoint: SessionEndpoint | null }
  | { type: 'coordinator-changed'; coordinator: Uint8Array }
  | { type: 'invite-sent'; invitee: Uint8Array }
  | { type: 'invite-rejected'; invitee: Uint8Array }
  | { type: 'invite-expired'; invitee: Uint8Array }
  /** This newcomer is in: every member it could reach admitted it (unreached: those that did not in time). */
  | { type: 'joined'; unreached: Uint8Array[] }
  /** A frame was dropped; code for the debug log (NOT_MEMBER, a ProtocolError code, ...). */
  | { type: 'dropped'; from: Uint8Array; frame: GroupFrame['type']; code: string };

export interface Step { send: Outgoing[]; events: GroupSessionEvent[] }

type Status = 'joining' | 'active' | 'left';

interface Holder { member: string; epoch: number; since: number; seq: number | null }
interface Pending {
  invitee: Uint8Array;
  seq: number;
  phase: 'requesting' | 'inviting';
  /** When the request was last sent (requesting) or the invite sent (inviting). */
  since: number;
  epoch: number;
}
interface Joining { awaiting: Set<string>; ticket: SessionTicket; since: number }

function newStep(): Step { return { send: [], events: [] }; }

export interface CreateSessionInput {
  self: Identity;
  sessionId: Uint8Array;
  title: string;
  /** This member's session client-auth public key (docs/PROTOCOL.md, session-scoped endpoints). */
  clientAuthKey: Uint8Array;
  options?: GroupSessionOptions;
}

export interface JoinSessionInput {
  self: Identity;
  /** What this newcomer sent in its join. */
  clientAuthKey: Uint8Array;
  endpoint: SessionEndpoint | null;
  /** Who sent the member list (the link's authenticated identity). */
  from: Uint8Array;
  frame: GroupMembersFrame;
  title: string;
  now: number;
  options?: GroupSessionOptions;
}

export class GroupSession {
  readonly sessionId: Uint8Array;
  readonly title: string;
  private readonly self: Identity;
  private readonly selfHex: string;
  private readonly opts: typeof GROUP_SESSION_DEFAULTS;
  /** Join order (Map keeps insertion order); self included. */
  private readonly members = new Map<string, SessionMember>();
  /** Hex key -> epoch at which it left: a ticket must be newer to bring it back. */
  private readonly departed = new Map<string, number>();
  /**
   * The epoch of this member's own ticket (0 for the creator). A newcomer's ticket is never older:
   * the token admits one invitation at a time, so anyone invited under an earlier grant was already
   * in the list our inviter handed over, or had left before we came (a leave we never saw, so
   * `departed` cannot refuse its old ticket; docs/PROTOCOL.md "Session ticket").
   */
  private ticketFloor = 0;
  private readonly timeline = new SessionTimeline<SessionMessage>();
  /** Endpoints of newcomers whose tickets were announced, until they present them. */
  private readonly announced = new Map<string, SessionEndpoint | null>();
  private coordinatorHex: string;
  private status: Status;
  private epoch: number;
  private lamport: number;
  private holder: Holder | null = null;
  private queue: { member: string; seq: number }[] = [];
  private pending: Pending | null = null;
  private nextSeq = 1;
  private joining: Joining | null = null;
  /** This member's own leave: a frame that reaches it afterwards is answered with it (or a redirect). */
  private farewell: { successor: Uint8Array | null; frame: GroupFrame } | null = null;

  private constructor(self: Identity, sessionId: Uint8Array, title: string, options: GroupSessionOptions | undefined, coordinator: string, status: Status, epoch: number, lamport: number) {
    this.self = self;
    this.selfHex = toHex(self.publicKey);
    this.sessionId = sessionId.slice();
    this.title = title;
    this.opts = { ...GROUP_SESSION_DEFAULTS, ...options };
    this.coordinatorHex = coordinator;
    this.status = status;
    this.epoch = epoch;
    this.lamport = lamport;
  }

  /** The creator: sole member and first coordinator. */
  static create(input: CreateSessionInput): GroupSession {
    const selfHex = toHex(input.self.publicKey);
    const session = new GroupSession(input.self, input.sessionId, input.title, input.options, selfHex, 'active', 0, 0);
    session.members.set(selfHex, { member: input.self.publicKey, clientAuthKey: input.clientAuthKey.slice(), endpoint: null });
    return session;
  }

  /** A newcomer takes the inviter's member list, then shows its ticket to every other member. */
  static join(input: JoinSessionInput): { session: GroupSession; step: Step } {
    const { frame, from, self } = input;
    if (!equalBytes(frame.ticket.member, self.publicKey) || !equalBytes(frame.ticket.issuer, from)) throw SessionStateError.NOT_INVITED();
    const session = new GroupSession(self, frame.sessionId, input.title, input.options, toHex(frame.coordinator), 'joining', frame.epoch, frame.lamport);
    for (const entry of frame.members) session.members.set(toHex(entry.member), entry);
    session.members.set(session.selfHex, { member: self.publicKey, clientAuthKey: input.clientAuthKey.slice(), endpoint: input.endpoint });
    const step = newStep();
    const awaiting = new Set<string>();
    for (const [hex, m] of session.members) {
      if (hex === session.selfHex || equalBytes(m.member, from)) continue;
      awaiting.add(hex);
      session.out(step, m.member, { type: 'ticket', sessionId: session.sessionId, ticket: frame.ticket, endpoint: null });
    }
    session.joining = { awaiting, ticket: frame.ticket, since: input.now };
    session.ticketFloor = frame.ticket.epoch;
    session.finishJoinIfDone(step, []);
    return { session, step };
  }

  // --- views -------------------------------------------------------------------------------

  get state(): Status { return this.status; }
  get coordinator(): Uint8Array { return this.keyOf(this.coordinatorHex); }
  get isCoordinator(): boolean { return this.coordinatorHex === this.selfHex; }
  get currentEpoch(): number { return this.epoch; }
  /** Members in join order, self included. */
  get memberList(): readonly SessionMember[] { return [...this.members.values()]; }
  get messages(): readonly SessionMessage[] { return this.timeline.messages; }
  /** Identity key of the member holding the token, as this member (if coordinator) knows it. */
  get tokenHolder(): Uint8Array | null { return this.holder === null ? null : this.keyOf(this.holder.member); }
  get invitation(): { invitee: Uint8Array; phase: 'requesting' | 'inviting' } | null {
    return this.pending === null ? null : { invitee: this.pending.invitee, phase: this.pending.phase };
  }
  isMember(key: Uint8Array): boolean { return this.members.has(toHex(key)); }

  // --- user actions ------------------------------------------------------------------------

  /** Writes a message (lamport one past everything seen) to every other member. */
  send(input: { id: Uint8Array; body: string; now: number }): Step {
    if (this.status !== 'active') throw SessionStateError.NOT_ACTIVE();
    const frame: GroupFrame = { type: 'message', sessionId: this.sessionId, id: input.id, lamport: this.lamport + 1, sentAt: input.now, body: input.body };
    encodeGroupFrame(frame); // refuses a bad body (coded ProtocolError) before any state changes
    this.lamport += 1;
    const message: SessionMessage = { id: input.id.slice(), lamport: this.lamport, sender: this.self.publicKey, sentAt: input.now, body: input.body };
    const step = newStep();
    const index = this.timeline.add(message);
    if (index !== null) step.events.push({ type: 'message', message, index });
    for (const m of this.others()) this.out(step, m.member, frame);
    return step;
  }

  /** Asks for the token to invite `invitee`; the invite goes out once the coordinator grants it. */
  invite(invitee: Uint8Array, now: number): Step {
    if (this.status !== 'active') throw SessionStateError.NOT_ACTIVE();
    if (this.pending !== null) throw SessionStateError.BUSY();
    if (this.members.has(toHex(invitee))) throw SessionStateError.ALREADY_MEMBER();
    if (this.members.size >= MAX_GROUP_MEMBERS) throw SessionStateError.FULL();
    this.pending = { invitee: invitee.slice(), seq: this.nextSeq++, phase: 'requesting', since: now, epoch: 0 };
    const step = newStep();
    this.askForToken(step, now);
    return step;
  }

  /** Tells every other member; a coordinator names its successor and the token holder. */
  leave(): Step {
    const step = newStep();
    if (this.status === 'left') return step;
    const others = this.others();
    let successor: Uint8Array | null = null;
    let tokenHolder: Uint8Array | null = null;
    if (this.isCoordinator && others.length > 0) {
      successor = others[0]!.member;
      const holder = this.holder !== null && this.holder.member !== this.selfHex ? this.holder.member : null;
      tokenHolder = holder === null ? null : this.keyOf(holder);
    }
    const frame: GroupFrame = { type: 'leave', sessionId: this.sessionId, successor, tokenHolder, epoch: this.epoch };
    this.farewell = { successor, frame };
    for (const m of others) this.out(step, m.member, frame);
    this.status = 'left';
    this.pending = null;
    this.holder = null;
    this.queue = [];
    return step;
  }

  /**
   * This member re-created its session endpoint (docs/PROTOCOL.md "Session-scoped endpoints"): the
   * member list it hands over from now on carries `endpoint`, and `to` (the members it serves) hear it.
   */
  announceEndpoint(endpoint: SessionEndpoint | null, to: readonly Uint8Array[]): Step {
    const step = newStep();
    if (this.status === 'left') return step;
    const self = this.members.get(this.selfHex)!;
    this.members.set(this.selfHex, { ...self, endpoint });
    for (const key of to) {
      if (this.members.has(toHex(key)) && toHex(key) !== this.selfHex) this.out(step, key, { type: 'endpoint', sessionId: this.sessionId, endpoint });
    }
    return step;
  }

  // --- timers ------------------------------------------------------------------------------

  tick(now: number): Step {
    const step = newStep();
    if (this.status === 'left') return step;
    const p = this.pending;
    if (p !== null && p.phase === 'requesting' && now - p.since >= this.opts.requestRetryMs) {
      p.since = now;
      this.askForToken(step, now);
    } else if (p !== null && p.phase === 'inviting' && now - p.since >= this.opts.inviteTimeoutMs) {
      this.pending = null;
      step.events.push({ type: 'invite-expired', invitee: p.invitee });
      this.releaseToken(step, p.epoch, now);
    }
    if (this.isCoordinator && this.holder !== null && now - this.holder.since >= this.opts.tokenLeaseMs) {
      this.holder = null;
      this.grantNext(step, now);
    }
    const j = this.joining;
    if (j !== null && now - j.since >= this.opts.joinTimeoutMs) {
      const unreached = [...j.awaiting].map((hex) => this.keyOf(hex));
      j.awaiting.clear();
      this.finishJoinIfDone(step, unreached);
    }
    return step;
  }

  // --- frames from other members -----------------------------------------------------------

  /** Handles one decoded group frame for this session from the link's authenticated identity `from`. */
  receive(from: Uint8Array, frame: GroupFrame, now: number): Step {
    const step = newStep();
    if (!equalBytes(frame.sessionId, this.sessionId)) return this.drop(step, from, frame, 'WRONG_SESSION');
    const fromHex = toHex(from);
    if (fromHex === this.selfHex) return this.drop(step, from, frame, 'FROM_SELF');
    if (this.status === 'left') {
      // A request in flight when we left is answered with the successor we named; anyone else who
      // missed our leave (a newcomer we had not admitted yet) gets it again (docs/PROTOCOL.md).
      const farewell = this.farewell;
      if (farewell !== null && frame.type === 'token-request' && farewell.successor !== null) {
        this.out(step, from, { type: 'token-redirect', sessionId: this.sessionId, seq: frame.seq, coordinator: farewell.successor });
      } else if (farewell !== null && frame.type !== 'leave') {
        this.out(step, from, farewell.frame);
      }
      return this.drop(step, from, frame, 'LEFT');
    }
    // A ticket is how a non-member becomes one, and a pending invitee answers with join/reject;
    // every other frame from a non-member is dropped (the thesis's rule).
    const isMember = this.members.has(fromHex);
    const isInvitee = this.pending !== null && this.pending.phase === 'inviting' && equalBytes(this.pending.invitee, from);
    if (frame.type === 'join' || frame.type === 'reject') {
      // Only our pending invitee answers; a repeat after the hand-over (a link replaced) is dropped.
      if (!isInvitee) return this.drop(step, from, frame, isMember ? 'UNEXPECTED' : 'NOT_MEMBER');
    } else if (!isMember && frame.type !== 'ticket') {
      return this.drop(step, from, frame, 'NOT_MEMBER');
    }
    switch (frame.type) {
      case 'message': {
        this.lamport = Math.max(this.lamport, frame.lamport);
        const message: SessionMessage = { id: frame.id, lamport: frame.lamport, sender: from.slice(), sentAt: frame.sentAt, body: frame.body };
        const index = this.timeline.add(message);
        if (index === null) return this.drop(step, from, frame, 'DUPLICATE');
        step.events.push({ type: 'message', message, index });
        return step;
      }
      case 'join': return this.onJoin(step, from, frame.clientAuthKey, frame.endpoint, now);
      case 'reject': {
        const p = this.pending!;
        this.pending = null;
        step.events.push({ type: 'invite-rejected', invitee: p.invitee });
        this.releaseToken(step, p.epoch, now);
        return step;
      }
      case 'ticket': return this.onTicket(step, from, frame.ticket, frame.endpoint, frame);
      case 'admit': {
        const j = this.joining;
        if (j === null || !j.awaiting.delete(fromHex)) return this.drop(step, from, frame, 'UNEXPECTED');
        this.finishJoinIfDone(step, []);
        return step;
      }
      case 'complete':
        if (!this.isCoordinator || this.holder === null || this.holder.epoch !== frame.epoch) return this.drop(step, from, frame, 'NO_SUCH_GRANT');
        this.holder = null;
        this.grantNext(step, now);
        return step;
      case 'token-request':
        if (!this.isCoordinator) {
          this.out(step, from, { type: 'token-redirect', sessionId: this.sessionId, seq: frame.seq, coordinator: this.coordinator });
          return step;
        }
        this.enqueue(step, fromHex, frame.seq, now);
        return step;
      case 'token-grant':
        if (fromHex !== this.coordinatorHex) return this.drop(step, from, frame, 'NOT_COORDINATOR');
        this.onGranted(step, frame.seq, frame.epoch, now);
        return step;
      case 'token-redirect': {
        const p = this.pending;
        const target = toHex(frame.coordinator);
        if (p === null || p.phase !== 'requesting' || p.seq !== frame.seq) return this.drop(step, from, frame, 'UNEXPECTED');
        if (!this.members.has(target) || target === fromHex) return this.drop(step, from, frame, 'BAD_REDIRECT');
        this.setCoordinator(step, target);
        p.since = now;
        this.askForToken(step, now);
        return step;
      }
      case 'token-release':
        if (!this.isCoordinator || this.holder === null || this.holder.member !== fromHex || this.holder.epoch !== frame.epoch) {
          return this.drop(step, from, frame, 'NO_SUCH_GRANT');
        }
        this.holder = null;
        this.grantNext(step, now);
        return step;
      case 'leave': return this.onLeave(step, fromHex, frame.successor, frame.tokenHolder, frame.epoch, now);
      case 'endpoint': {
        const m = this.members.get(fromHex)!;
        this.members.set(fromHex, { ...m, endpoint: frame.endpoint });
        step.events.push({ type: 'member-moved', member: m.member, endpoint: frame.endpoint });
        return step;
      }
      case 'invite':
      case 'members':
        // Answered outside a running session (the invitee has no session yet).
        return this.drop(step, from, frame, 'UNEXPECTED');
    }
  }

  // --- internals ---------------------------------------------------------------------------

  private others(): SessionMember[] {
    return [...this.members.entries()].filter(([hex]) => hex !== this.selfHex).map(([, m]) => m);
  }

  private keyOf(hex: string): Uint8Array {
    const m = this.members.get(hex);
    return m !== undefined ? m.member : fromHex(hex, 32);
  }

  private out(step: Step, to: Uint8Array, frame: GroupFrame): void {
    step.send.push({ to, frame });
  }

  private drop(step: Step, from: Uint8Array, frame: GroupFrame, code: string): Step {
    step.events.push({ type: 'dropped', from, frame: frame.type, code });
    return step;
  }

  private setCoordinator(step: Step, hex: string): void {
    if (hex === this.coordinatorHex) return;
    this.coordinatorHex = hex;
    step.events.push({ type: 'coordinator-changed', coordinator: this.keyOf(hex) });
  }

  private askForToken(step: Step, now: number): void {
    const p = this.pending!;
    if (this.isCoordinator) this.enqueue(step, this.selfHex, p.seq, now);
    else this.out(step, this.coordinator, { type: 'token-request', sessionId: this.sessionId, seq: p.seq });
  }

  /** Coordinator: a request joins the queue once; a repeat from the holder re-sends its grant (the grant was lost). */
  private enqueue(step: Step, member: string, seq: number, now: number): void {
    if (this.holder !== null && this.holder.member === member) {
      if (this.holder.seq === seq) this.sendGrant(step, member, seq, this.holder.epoch, now);
      else {
        // The holder asks anew: its earlier invitation ended and a release crossed this request.
        this.holder = null;
        this.queue.push({ member, seq });
      }
    } else {
      const queued = this.queue.find((q) => q.member === member);
      if (queued !== undefined) queued.seq = seq;
      else this.queue.push({ member, seq });
    }
    this.grantNext(step, now);
  }

  private grantNext(step: Step, now: number): void {
    while (this.holder === null && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (!this.members.has(next.member)) continue;
      this.epoch += 1;
      this.holder = { member: next.member, epoch: this.epoch, since: now, seq: next.seq };
      this.sendGrant(step, next.member, next.seq, this.epoch, now);
    }
  }

  private sendGrant(step: Step, member: string, seq: number, epoch: number, now: number): void {
    if (member === this.selfHex) this.onGranted(step, seq, epoch, now);
    else this.out(step, this.keyOf(member), { type: 'token-grant', sessionId: this.sessionId, seq, epoch });
  }

  private onGranted(step: Step, seq: number, epoch: number, now: number): void {
    this.epoch = Math.max(this.epoch, epoch);
    const p = this.pending;
    if (p === null || p.seq !== seq || p.phase !== 'requesting') {
      // A grant for a request we no longer need (a retry's twin): give it straight back.
      if (p === null || p.seq !== seq) this.releaseToken(step, epoch, now);
      return;
    }
    if (this.members.has(toHex(p.invitee))) {
      // The invitee joined through someone else meanwhile.
      this.pending = null;
      this.releaseToken(step, epoch, now);
      return;
    }
    p.phase = 'inviting';
    p.since = now;
    p.epoch = epoch;
    const members = [...this.members.values()].map((m) => ({ member: m.member, clientAuthKey: m.clientAuthKey }));
    this.out(step, p.invitee, { type: 'invite', sessionId: this.sessionId, title: this.title, members });
    step.events.push({ type: 'invite-sent', invitee: p.invitee });
  }

  private releaseToken(step: Step, epoch: number, now: number): void {
    if (this.isCoordinator) {
      if (this.holder !== null && this.holder.member === this.selfHex && this.holder.epoch === epoch) {
        this.holder = null;
        this.grantNext(step, now);
      }
    } else {
      this.out(step, this.coordinator, { type: 'token-release', sessionId: this.sessionId, epoch });
    }
  }

  private onJoin(step: Step, from: Uint8Array, clientAuthKey: Uint8Array, endpoint: SessionEndpoint | null, now: number): Step {
    const p = this.pending!;
    const ticket = issueSessionTicket({ sessionId: this.sessionId, member: from, issuer: this.self, clientAuthKey, epoch: p.epoch });
    const members = [...this.members.values()];
    this.out(step, from, {
      type: 'members', sessionId: this.sessionId, coordinator: this.coordinator, epoch: this.epoch, lamport: this.lamport, ticket, members,
    });
    for (const m of this.others()) this.out(step, m.member, { type: 'ticket', sessionId: this.sessionId, ticket, endpoint });
    this.pending = null;
    this.admit(step, from, clientAuthKey, endpoint);
    // The token stays with us until the newcomer's `complete` reaches the coordinator.
    if (this.isCoordinator && this.holder !== null) this.holder.since = now;
    return step;
  }

  private onTicket(step: Step, from: Uint8Array, ticket: SessionTicket, endpoint: SessionEndpoint | null, frame: GroupFrame): Step {
    const fromHex = toHex(from);
    const presenting = equalBytes(ticket.member, from);
    if (!presenting && !(this.members.has(fromHex) && equalBytes(ticket.issuer, from))) {
      // Neither its holder nor its issuer: a copied ticket relayed by a third identity.
      return this.drop(step, from, frame, 'WRONG_RECIPIENT');
    }
    try {
      checkSessionTicket(ticket, { sessionId: this.sessionId, presenter: presenting ? from : ticket.member, members: new Set(this.members.keys()) });
      const leftAt = this.departed.get(toHex(ticket.member));
      if (leftAt !== undefined && ticket.epoch <= leftAt) throw ProtocolError.EXPIRED('session ticket (issued before its member left)');
      if (!this.members.has(toHex(ticket.member)) && ticket.epoch < this.ticketFloor) {
        throw ProtocolError.EXPIRED('session ticket (issued before this member joined)');
      }
    } catch (err) {
      if (isProtocolError(err)) return this.drop(step, from, frame, err.code);
      throw err;
    }
    this.epoch = Math.max(this.epoch, ticket.epoch);
    if (!presenting) {
      this.announced.set(toHex(ticket.member), endpoint);
      step.events.push({ type: 'member-expected', member: ticket.member, clientAuthKey: ticket.clientAuthKey, endpoint });
      return step;
    }
    if (!this.members.has(fromHex)) {
      if (this.members.size >= MAX_GROUP_MEMBERS) return this.drop(step, from, frame, 'SESSION_FULL');
      this.admit(step, from, ticket.clientAuthKey, this.announced.get(fromHex) ?? null);
    }
    this.out(step, from, { type: 'admit', sessionId: this.sessionId, epoch: ticket.epoch });
    return step;
  }

  private admit(step: Step, member: Uint8Array, clientAuthKey: Uint8Array, endpoint: SessionEndpoint | null): void {
    const hex = toHex(member);
    this.departed.delete(hex);
    this.announced.delete(hex);
    this.members.set(hex, { member: member.slice(), clientAuthKey: clientAuthKey.slice(), endpoint });
    step.events.push({ type: 'member-joined', member, endpoint });
  }

  private finishJoinIfDone(step: Step, unreached: Uint8Array[]): void {
    const j = this.joining;
    if (j === null || j.awaiting.size > 0) return;
    this.joining = null;
    this.status = 'active';
    this.out(step, this.coordinator, { type: 'complete', sessionId: this.sessionId, epoch: j.ticket.epoch });
    step.events.push({ type: 'joined', unreached });
  }

  private onLeave(step: Step, fromHex: string, successor: Uint8Array | null, tokenHolder: Uint8Array | null, epoch: number, now: number): Step {
    const leaver = this.members.get(fromHex)!;
    this.members.delete(fromHex);
    this.epoch = Math.max(this.epoch, epoch);
    this.departed.set(fromHex, this.epoch);
    step.events.push({ type: 'member-left', member: leaver.member });
    this.queue = this.queue.filter((q) => q.member !== fromHex);
    this.joining?.awaiting.delete(fromHex);
    if (fromHex === this.coordinatorHex) {
      const named = successor === null ? null : toHex(successor);
      // A successor that is not a member (or none named) falls back to the longest-standing member.
      const next = named !== null && this.members.has(named) ? named : this.members.keys().next().value!;
      this.setCoordinator(step, next);
      if (next === this.selfHex) {
        const holderHex = tokenHolder === null ? null : toHex(tokenHolder);
        this.holder = holderHex !== null && this.members.has(holderHex) ? { member: holderHex, epoch: this.epoch, since: now, seq: null } : null;
        this.queue = [];
      }
      if (this.pending !== null && this.pending.phase === 'requesting') {
        // Our request may have died with the old coordinator: ask the new one (a duplicate is harmless).
        this.pending.since = now;
        this.askForToken(step, now);
      }
    } else if (this.isCoordinator && this.holder !== null && this.holder.member === fromHex) {
      this.holder = null;
      this.grantNext(step, now);
    }
    this.finishJoinIfDone(step, []);
    return step;
  }
}
