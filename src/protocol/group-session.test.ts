// The session state machine driven through a simulated mesh: every frame goes through the real
// codecs (group payload inside a link `session` frame), delivery order is chosen by each test, and
// clocks are the test's. Interleavings of the token protocol are enumerated case by case.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  ready, identityFromSeed, decodeFrame, encodeFrame, encodeGroupFrame, decodeGroupFrame, toHex, issueSessionTicket,
  GroupSession, GROUP_SESSION_DEFAULTS, sessionInviteDecision, compareSessionMessages, SessionTimeline,
  SessionStateError, type GroupFrame, type GroupSessionEvent, type Identity, type SessionFrame, type Step,
  type SessionInvitePolicy,
} from './index.ts';

before(async () => { await ready(); });

const SESSION_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const clientAuthKey = new Uint8Array(32).fill(0x33);
/** Stand-ins for a member's session client-auth key and endpoint key, distinct per member. */
const authKeyOf = (member: Uint8Array): Uint8Array => Uint8Array.from(member, (x) => x ^ 0x5a);
const onionOf = (member: Uint8Array): Uint8Array => Uint8Array.from(member, (x) => x ^ 0xa5);

interface Packet { from: Identity; to: string; bytes: Uint8Array; type: GroupFrame['type'] }
type Answer = 'join' | 'reject' | 'ignore';

/** A mesh of members; packets wait in one list until the test delivers them (FIFO per pair unless picked). */
class Mesh {
  readonly ids = new Map<string, Identity>();
  readonly sessions = new Map<string, GroupSession>();
  readonly events = new Map<string, GroupSessionEvent[]>();
  readonly answers = new Map<string, Answer>();
  readonly policies = new Map<string, { policy: SessionInvitePolicy; contacts: Set<string> }>();
  readonly asked: string[] = [];
  readonly log: string[] = [];
  packets: Packet[] = [];
  now = 0;

  constructor(names: string[]) {
    names.forEach((name, i) => this.ids.set(name, identityFromSeed(new Uint8Array(32).fill(i + 1))));
  }

  id(name: string): Identity { return this.ids.get(name)!; }
  key(name: string): Uint8Array { return this.id(name).publicKey; }
  nameOf(key: Uint8Array): string { return [...this.ids].find(([, id]) => toHex(id.publicKey) === toHex(key))![0]; }
  s(name: string): GroupSession { return this.sessions.get(name)!; }
  ev(name: string): GroupSessionEvent[] { return this.events.get(name) ?? []; }

  create(name: string): void {
    this.sessions.set(name, GroupSession.create({ self: this.id(name), sessionId: SESSION_ID, title: 'plans', clientAuthKey: authKeyOf(this.key(name)) }));
  }

  apply(name: string, step: Step): void {
    for (const e of step.events) {
      if (!this.events.has(name)) this.events.set(name, []);
      this.events.get(name)!.push(e);
      if (e.type === 'invite-sent' || e.type === 'joined' || e.type === 'invite-rejected' || e.type === 'invite-expired') {
        this.log.push(`${name}:${e.type}${'invitee' in e ? `:${this.nameOf(e.invitee)}` : ''}`);
      }
    }
    for (const o of step.send) {
      // Through both codecs, as on a link.
      const bytes = encodeFrame(encodeGroupFrame(o.frame));
      this.packets.push({ from: this.id(name), to: this.nameOf(o.to), bytes, type: o.frame.type });
    }
  }

  /** Delivers the first waiting packet matching `pick`; returns false when none does. */
  deliver(pick: (p: Packet) => boolean = () => true): boolean {
    const i = this.packets.findIndex(pick);
    if (i < 0) return false;
    const [p] = this.packets.splice(i, 1) as [Packet];
    const frame = decodeGroupFrame(decodeFrame(p.bytes) as SessionFrame);
    const session = this.sessions.get(p.to);
    if (session !== undefined) {
      this.apply(p.to, session.receive(p.from.publicKey, frame, this.now));
    } else if (frame.type === 'invite') {
      this.onInvite(p.to, p.from, frame);
    } else if (frame.type === 'members') {
      const { session: joined, step } = GroupSession.join({ self: this.id(p.to), clientAuthKey: authKeyOf(this.key(p.to)), endpoint: null, from: p.from.publicKey, frame, title: 'plans', now: this.now });
      this.sessions.set(p.to, joined);
      this.apply(p.to, step);
    }
    return true;
  }

  private onInvite(name: string, from: Identity, frame: GroupFrame): void {
    const pref = this.policies.get(name);
    const decision = pref === undefined ? 'ask' : sessionInviteDecision(pref.policy, from.publicKey, pref.contacts.has(toHex(from.publicKey)));
    const answer = decision === 'reject' ? 'reject' : (this.asked.push(name), this.answers.get(name) ?? 'join');
    if (answer === 'ignore') return;
    const out: GroupFrame = answer === 'join'
      ? { type: 'join', sessionId: frame.sessionId, clientAuthKey: authKeyOf(this.key(name)), endpoint: { onionKey: onionOf(this.key(name)), port: 1 } }
      : { type: 'reject', sessionId: frame.sessionId };
    this.packets.push({ from: this.id(name), to: this.nameOf(from.publicKey), bytes: encodeFrame(encodeGroupFrame(out)), type: out.type });
  }

  run(limit = 10_000): void {
    for (let n = 0; n < limit; n++) if (!this.deliver()) return;
    assert.fail('mesh did not settle');
  }

  tick(ms: number): void {
    this.now += ms;
    for (const [name, s] of this.sessions) this.apply(name, s.tick(this.now));
  }

  invite(inviter: string, invitee: string): void { this.apply(inviter, this.s(inviter).invite(this.key(invitee), this.now)); }
  say(name: string, body: string, idByte: number): void {
    this.apply(name, this.s(name).send({ id: new Uint8Array(16).fill(idByte), body, now: this.now }));
  }

  membersOf(name: string): string[] { return this.s(name).memberList.map((m) => this.nameOf(m.member)).sort(); }
  screen(name: string): string[] { return this.s(name).messages.map((m) => `${this.nameOf(m.sender)}:${m.body}`); }
  dropped(name: string, code?: string): GroupSessionEvent[] {
    return this.ev(name).filter((e) => e.type === 'dropped' && (code === undefined || e.code === code));
  }
}

/** A, then B invited by A, then C invited by B; all settled. */
function threeMembers(extra: string[] = []): Mesh {
  const m = new Mesh(['A', 'B', 'C', ...extra]);
  m.create('A');
  m.invite('A', 'B');
  m.run();
  m.invite('B', 'C');
  m.run();
  return m;
}

test('A starts, B joins, B invites C (not A\'s contact): one view of the members, coordinator A', () => {
  const m = threeMembers();
  for (const n of ['A', 'B', 'C']) {
    assert.deepEqual(m.membersOf(n), ['A', 'B', 'C'], n);
    assert.equal(m.nameOf(m.s(n).coordinator), 'A');
    assert.equal(m.s(n).state, 'active');
  }
  assert.deepEqual(m.log, ['A:invite-sent:B', 'B:joined', 'B:invite-sent:C', 'C:joined']);
  // A learned of C from B's ticket announce (to authorize C's client-auth key) before C presented it.
  const expected = m.ev('A').find((e) => e.type === 'member-expected');
  assert.ok(expected && expected.type === 'member-expected' && toHex(expected.member) === toHex(m.key('C')));
  // ... with C's endpoint, which A (not C's contact) dials, and C's session client-auth key.
  assert.equal(toHex(expected.endpoint!.onionKey), toHex(onionOf(m.key('C'))));
  assert.equal(toHex(expected.clientAuthKey), toHex(authKeyOf(m.key('C'))));
  for (const n of ['A', 'B', 'C']) {
    for (const entry of m.s(n).memberList) assert.equal(toHex(entry.clientAuthKey), toHex(authKeyOf(entry.member)), `${n} knows each member's client-auth key`);
    const c = m.s(n).memberList.find((e) => toHex(e.member) === toHex(m.key('C')))!;
    if (n !== 'C') assert.equal(toHex(c.endpoint!.onionKey), toHex(onionOf(m.key('C'))), `${n} knows C's endpoint`);
  }
  assert.equal(m.s('A').tokenHolder, null, 'the token is free after C\'s complete');
});

test('messages: exactly once on every member, the same order on every screen, whatever the delivery order', () => {
  for (let seed = 1; seed <= 25; seed++) {
    const m = threeMembers();
    let x = seed;
    const rand = (n: number): number => { x = (x * 1103515245 + 12345) % 2 ** 31; return x % n; };
    let id = 1;
    for (let round = 0; round < 4; round++) {
      for (const n of ['A', 'B', 'C']) if (rand(2) === 0) m.say(n, `${n}${round}`, id++);
      // Deliver a random waiting packet a few times: concurrent sends cross on the wire.
      for (let k = rand(4); k > 0 && m.packets.length > 0; k--) {
        const p = m.packets[rand(m.packets.length)]!;
        m.deliver((q) => q === p);
      }
    }
    while (m.packets.length > 0) {
      const p = m.packets[rand(m.packets.length)]!;
      m.deliver((q) => q === p);
    }
    const screenA = m.screen('A');
    assert.equal(screenA.length, id - 1, `seed ${seed}: every message on A`);
    assert.deepEqual(m.screen('B'), screenA, `seed ${seed}`);
    assert.deepEqual(m.screen('C'), screenA, `seed ${seed}`);
    for (const n of ['A', 'B', 'C']) {
      const ids = m.s(n).messages.map((msg) => toHex(msg.id));
      assert.equal(new Set(ids).size, ids.length, 'each id once');
    }
  }
});

test('a repeated message id is shown once; a message from a non-member under the session id is dropped', () => {
  const m = threeMembers(['D']);
  m.say('A', 'hi', 1);
  const copy = m.packets.find((p) => p.to === 'B' && p.type === 'message')!;
  m.packets.push({ ...copy });
  m.run();
  assert.deepEqual(m.screen('B'), ['A:hi']);
  assert.equal(m.dropped('B', 'DUPLICATE').length, 1);
  const forged: GroupFrame = { type: 'message', sessionId: SESSION_ID, id: new Uint8Array(16).fill(9), lamport: 1, sentAt: 0, body: 'let me in' };
  m.packets.push({ from: m.id('D'), to: 'A', bytes: encodeFrame(encodeGroupFrame(forged)), type: 'message' });
  m.run();
  assert.deepEqual(m.screen('A'), ['A:hi']);
  assert.equal(m.dropped('A', 'NOT_MEMBER').length, 1);
});

test('two members request the token at once: the coordinator serialises the two invitations', () => {
  const m = threeMembers(['D', 'E']);
  m.invite('B', 'D');
  m.invite('C', 'E');
  // Both requests reach A before anything else moves.
  assert.ok(m.deliver((p) => p.type === 'token-request' && p.from === m.id('B')));
  assert.ok(m.deliver((p) => p.type === 'token-request' && p.from === m.id('C')));
  assert.equal(m.packets.filter((p) => p.type === 'token-grant').length, 1, 'one grant only');
  m.run();
  assert.deepEqual(m.log.slice(4), ['B:invite-sent:D', 'D:joined', 'C:invite-sent:E', 'E:joined']);
  for (const n of ['A', 'B', 'C', 'D', 'E']) assert.deepEqual(m.membersOf(n), ['A', 'B', 'C', 'D', 'E'], n);
});

test('the coordinator requests for itself while a member does: still one at a time', () => {
  const m = threeMembers(['D', 'E']);
  m.invite('B', 'D');
  m.invite('A', 'E'); // A holds the token at once (its own request), B's waits
  assert.equal(m.packets.filter((p) => p.type === 'invite').length, 1);
  m.run();
  assert.deepEqual(m.log.slice(4), ['A:invite-sent:E', 'E:joined', 'B:invite-sent:D', 'D:joined']);
  for (const n of ['A', 'B', 'C', 'D', 'E']) assert.deepEqual(m.membersOf(n), ['A', 'B', 'C', 'D', 'E'], n);
});

test('a join rejected: the token is released and the next request is granted', () => {
  const m = threeMembers(['D', 'E']);
  m.answers.set('D', 'reject');
  m.invite('B', 'D');
  m.invite('C', 'E');
  m.run();
  assert.deepEqual(m.log.slice(4), ['B:invite-sent:D', 'B:invite-rejected:D', 'C:invite-sent:E', 'E:joined']);
  assert.deepEqual(m.membersOf('A'), ['A', 'B', 'C', 'E']);
  assert.equal(m.s('A').tokenHolder, null);
});

test('an invitee that never answers: the invitation expires, the token moves on, a late join is dropped', () => {
  const m = threeMembers(['D', 'E']);
  m.answers.set('D', 'ignore');
  m.invite('B', 'D');
  m.invite('C', 'E');
  m.run();
  assert.deepEqual(m.log.slice(4), ['B:invite-sent:D']);
  m.tick(GROUP_SESSION_DEFAULTS.inviteTimeoutMs);
  m.run();
  assert.deepEqual(m.log.slice(4), ['B:invite-sent:D', 'B:invite-expired:D', 'C:invite-sent:E', 'E:joined']);
  const late: GroupFrame = { type: 'join', sessionId: SESSION_ID, clientAuthKey, endpoint: null };
  m.packets.push({ from: m.id('D'), to: 'B', bytes: encodeFrame(encodeGroupFrame(late)), type: 'join' });
  m.run();
  assert.equal(m.dropped('B', 'NOT_MEMBER').length, 1);
  assert.ok(!m.s('B').isMember(m.key('D')));
});

test('a holder that vanishes without a word: the coordinator frees the token after its lease', () => {
  const m = threeMembers(['D', 'E']);
  m.answers.set('D', 'ignore');
  m.invite('B', 'D');
  m.run();
  // B's release never arrives (its machine died): drop anything B sends from now on.
  m.invite('C', 'E');
  m.run();
  assert.ok(!m.log.includes('C:invite-sent:E'), 'C waits while B holds the token');
  m.now += GROUP_SESSION_DEFAULTS.tokenLeaseMs;
  m.apply('A', m.s('A').tick(m.now));
  m.packets = m.packets.filter((p) => p.from !== m.id('B'));
  m.run();
  assert.ok(m.log.includes('C:invite-sent:E') && m.log.includes('E:joined'));
});

test('a lost grant: the requester asks again and the coordinator re-sends the same grant', () => {
  const m = threeMembers(['D']);
  m.invite('B', 'D');
  m.deliver((p) => p.type === 'token-request');
  assert.ok(m.packets.some((p) => p.type === 'token-grant'));
  m.packets = m.packets.filter((p) => p.type !== 'token-grant');
  m.tick(GROUP_SESSION_DEFAULTS.requestRetryMs);
  m.run();
  assert.deepEqual(m.log.slice(4), ['B:invite-sent:D', 'D:joined']);
});

for (const order of ['request reaches the left coordinator first', 'leave reaches the requester first'] as const) {
  test(`the coordinator leaves with a request in flight (${order}): redirect to the successor, retried there`, () => {
    const m = threeMembers(['D']);
    m.invite('C', 'D'); // C's token-request to A is now on the wire
    m.apply('A', m.s('A').leave());
    if (order === 'request reaches the left coordinator first') {
      m.deliver((p) => p.type === 'token-request' && p.to === 'A');
      assert.ok(m.packets.some((p) => p.type === 'token-redirect' && p.to === 'C'), 'A answers with its successor');
    } else {
      m.deliver((p) => p.type === 'leave' && p.to === 'C');
      assert.ok(m.packets.some((p) => p.type === 'token-request' && p.to === 'B'), 'C asks B at once');
    }
    m.run();
    assert.equal(m.nameOf(m.s('C').coordinator), 'B');
    assert.ok(m.s('B').isCoordinator);
    assert.deepEqual(m.log.slice(4), ['C:invite-sent:D', 'D:joined']);
    for (const n of ['B', 'C', 'D']) assert.deepEqual(m.membersOf(n), ['B', 'C', 'D'], n);
    assert.equal(m.s('B').tokenHolder, null, 'one grant only (the duplicate request did not take a second one)');
    m.say('D', 'after the hand-over', 50);
    m.run();
    assert.deepEqual(m.screen('B'), ['D:after the hand-over']);
  });
}

test('the coordinator leaves while another member holds the token: the successor inherits the holder', () => {
  const m = threeMembers(['D', 'E']);
  m.invite('C', 'D');
  m.deliver((p) => p.type === 'token-request');
  m.deliver((p) => p.type === 'token-grant');
  m.deliver((p) => p.type === 'invite'); // D answers join; C has not handed over yet
  m.invite('B', 'E'); // B asks A too
  m.apply('A', m.s('A').leave());
  m.run();
  assert.ok(m.s('B').isCoordinator);
  // D joined under C's grant before B's own invitation ran.
  assert.deepEqual(m.log.slice(4), ['C:invite-sent:D', 'D:joined', 'B:invite-sent:E', 'E:joined']);
  for (const n of ['B', 'C', 'D', 'E']) assert.deepEqual(m.membersOf(n), ['B', 'C', 'D', 'E'], n);
});

test('a newcomer whose ticket reaches a coordinator that already left learns the successor and completes there', () => {
  const m = threeMembers(['D', 'E']);
  m.invite('B', 'D');
  m.deliver((p) => p.type === 'token-request');
  m.deliver((p) => p.type === 'token-grant');
  m.deliver((p) => p.type === 'invite');
  m.deliver((p) => p.type === 'join');
  m.apply('A', m.s('A').leave()); // A leaves before D's ticket reaches it
  m.run();
  assert.equal(m.s('D').state, 'active');
  assert.equal(m.nameOf(m.s('D').coordinator), 'B');
  assert.equal(m.s('B').tokenHolder, null, 'D\'s complete freed the inherited token');
  m.invite('C', 'E');
  m.run();
  assert.ok(m.log.includes('E:joined'));
});

test('frames repeated by a replaced link are harmless: a second join, invite, ticket and complete change nothing', () => {
  const m = threeMembers(['D']);
  const repeats: Packet[] = [];
  const deliverAndKeep = (type: GroupFrame['type']): void => {
    const p = m.packets.find((q) => q.type === type)!;
    repeats.push({ ...p });
    m.deliver((q) => q === p);
  };
  m.invite('B', 'D');
  m.deliver((p) => p.type === 'token-request');
  m.deliver((p) => p.type === 'token-grant');
  deliverAndKeep('invite');
  deliverAndKeep('join');
  m.run();
  m.packets.push(...repeats);
  m.run();
  for (const n of ['A', 'B', 'C', 'D']) assert.deepEqual(m.membersOf(n), ['A', 'B', 'C', 'D'], n);
  assert.equal(m.dropped('B', 'UNEXPECTED').length, 1, 'the second join');
  assert.equal(m.s('A').tokenHolder, null);
});

test('a non-coordinator member leaves: everyone drops it, its messages afterwards are dropped', () => {
  const m = threeMembers();
  m.apply('B', m.s('B').leave());
  m.run();
  for (const n of ['A', 'C']) assert.deepEqual(m.membersOf(n), ['A', 'C']);
  const late: GroupFrame = { type: 'message', sessionId: SESSION_ID, id: new Uint8Array(16).fill(7), lamport: 9, sentAt: 0, body: 'still here?' };
  m.packets.push({ from: m.id('B'), to: 'A', bytes: encodeFrame(encodeGroupFrame(late)), type: 'message' });
  m.run();
  assert.deepEqual(m.screen('A'), []);
  assert.throws(() => m.s('B').send({ id: new Uint8Array(16), body: 'x', now: 0 }), (e: unknown) => e instanceof SessionStateError && e.code === 'SESSION_NOT_ACTIVE');
});

test('a member re-creates its endpoint: the members it names hear the new address (or that it closed), later hand-overs carry it, a non-member is ignored', () => {
  const m = threeMembers(['D']);
  const moved = { onionKey: new Uint8Array(32).fill(0x42), port: 1 };
  m.apply('C', m.s('C').announceEndpoint(moved, [m.key('A'), m.key('D')]));
  assert.deepEqual(m.packets.map((p) => `${p.to}:${p.type}`), ['A:endpoint'], 'only members are told');
  m.run();
  const seen = m.ev('A').filter((e) => e.type === 'member-moved');
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], { type: 'member-moved', member: m.key('C'), endpoint: moved });
  assert.deepEqual(m.s('A').memberList.find((x) => toHex(x.member) === toHex(m.key('C')))!.endpoint, moved);
  assert.deepEqual(m.s('C').memberList.find((x) => toHex(x.member) === toHex(m.key('C')))!.endpoint, moved, 'its own entry, for later hand-overs');
  m.apply('C', m.s('C').announceEndpoint(null, [m.key('A')]));
  m.run();
  assert.equal(m.s('A').memberList.find((x) => toHex(x.member) === toHex(m.key('C')))!.endpoint, null);
  // From a non-member the frame is dropped like any other.
  m.packets.push({ from: m.id('D'), to: 'A', bytes: encodeFrame(encodeGroupFrame({ type: 'endpoint', sessionId: SESSION_ID, endpoint: moved })), type: 'endpoint' });
  m.run();
  assert.equal(m.dropped('A', 'NOT_MEMBER').length, 1);
});

test('tickets: a copy shown by D, a self-made one and an old one of a departed member are refused by every member', () => {
  const m = threeMembers(['D']);
  const cTicket = issueSessionTicket({ sessionId: SESSION_ID, member: m.key('C'), issuer: m.id('B'), clientAuthKey, epoch: 2 });
  const selfMade = issueSessionTicket({ sessionId: SESSION_ID, member: m.key('D'), issuer: identityFromSeed(new Uint8Array(32).fill(99)), clientAuthKey, epoch: 9 });
  for (const ticket of [cTicket, selfMade]) {
    for (const to of ['A', 'B', 'C']) {
      m.packets.push({ from: m.id('D'), to, bytes: encodeFrame(encodeGroupFrame({ type: 'ticket', sessionId: SESSION_ID, ticket, endpoint: null })), type: 'ticket' });
    }
  }
  m.run();
  for (const n of ['A', 'B', 'C']) {
    assert.ok(!m.s(n).isMember(m.key('D')), n);
    assert.equal(m.dropped(n, 'WRONG_RECIPIENT').length, 1, `${n}: the copy`);
    assert.equal(m.dropped(n, 'WRONG_PUBLISHER').length, 1, `${n}: the self-made one`);
  }
  assert.ok(!m.packets.some((p) => p.type === 'admit'));
  // C leaves, then shows its old ticket again: refused (a newer grant is needed to come back).
  m.apply('C', m.s('C').leave());
  m.run();
  m.packets.push({ from: m.id('C'), to: 'A', bytes: encodeFrame(encodeGroupFrame({ type: 'ticket', sessionId: SESSION_ID, ticket: cTicket, endpoint: null })), type: 'ticket' });
  m.run();
  assert.equal(m.dropped('A', 'EXPIRED').length, 1);
  assert.deepEqual(m.membersOf('A'), ['A', 'B']);
});

test('a departed member\'s old ticket is refused by a member that joined after it left (that member never saw the leave)', () => {
  const m = threeMembers(['D']);
  const cTicket = issueSessionTicket({ sessionId: SESSION_ID, member: m.key('C'), issuer: m.id('B'), clientAuthKey: authKeyOf(m.key('C')), epoch: 2 });
  m.apply('C', m.s('C').leave());
  m.run();
  m.invite('B', 'D');
  m.run();
  assert.deepEqual(m.membersOf('D'), ['A', 'B', 'D']);
  // C (say a contact of D) shows D the ticket B really issued to it: signed by a current member,
  // presented by the identity it names, for this session; only its epoch gives it away.
  const shown: GroupFrame = { type: 'ticket', sessionId: SESSION_ID, ticket: cTicket, endpoint: null };
  const said: GroupFrame = { type: 'message', sessionId: SESSION_ID, id: new Uint8Array(16).fill(8), lamport: 50, sentAt: 0, body: 'back door' };
  for (const frame of [shown, said]) m.packets.push({ from: m.id('C'), to: 'D', bytes: encodeFrame(encodeGroupFrame(frame)), type: frame.type });
  m.run();
  assert.equal(m.dropped('D', 'EXPIRED').length, 1);
  assert.equal(m.dropped('D', 'NOT_MEMBER').length, 1, 'its message is dropped');
  assert.deepEqual(m.membersOf('D'), ['A', 'B', 'D']);
  assert.deepEqual(m.screen('D'), []);
  assert.ok(!m.packets.some((p) => p.type === 'admit'));
});

test('invite preference: contacts only rejects a non-contact without asking; nobody; allow list', () => {
  const m = threeMembers(['D']);
  m.policies.set('D', { policy: { who: 'contacts' }, contacts: new Set([toHex(m.key('A'))]) });
  m.invite('B', 'D');
  m.run();
  assert.ok(!m.asked.includes('D'), 'D was not asked');
  assert.ok(m.log.includes('B:invite-rejected:D'));
  m.invite('A', 'D');
  m.run();
  assert.ok(m.asked.includes('D') && m.log.includes('D:joined'), 'a contact\'s invitation is asked');

  const inviter = m.key('A');
  assert.equal(sessionInviteDecision({ who: 'nobody' }, inviter, true), 'reject');
  assert.equal(sessionInviteDecision({ who: 'contacts' }, inviter, true), 'ask');
  assert.equal(sessionInviteDecision({ who: 'contacts' }, inviter, false), 'reject');
  assert.equal(sessionInviteDecision({ who: 'allow-list', allow: [toHex(inviter)] }, inviter, false), 'ask');
  assert.equal(sessionInviteDecision({ who: 'allow-list', allow: [] }, inviter, true), 'reject');
});

test('user actions refuse what the protocol cannot do, with codes', () => {
  const m = threeMembers(['D']);
  const code = (fn: () => unknown, c: string): void => assert.throws(fn, (e: unknown) => e instanceof SessionStateError && e.code === c);
  code(() => m.s('A').invite(m.key('B'), 0), 'ALREADY_MEMBER');
  m.invite('A', 'D');
  code(() => m.s('A').invite(m.key('D'), 0), 'SESSION_BUSY');
  assert.throws(() => m.s('A').send({ id: new Uint8Array(16), body: '', now: 0 }), /OUT_OF_RANGE/);
});

test('order rule: (lamport, sender, id), independent of insertion order', () => {
  const msgs = [
    { id: Uint8Array.of(...new Uint8Array(15), 2), lamport: 3, sender: new Uint8Array(32).fill(1) },
    { id: Uint8Array.of(...new Uint8Array(15), 1), lamport: 3, sender: new Uint8Array(32).fill(1) },
    { id: Uint8Array.of(...new Uint8Array(15), 3), lamport: 3, sender: new Uint8Array(32).fill(0) },
    { id: Uint8Array.of(...new Uint8Array(15), 4), lamport: 1, sender: new Uint8Array(32).fill(9) },
  ];
  const sorted = [...msgs].sort(compareSessionMessages);
  assert.deepEqual(sorted.map((x) => x.id[15]), [4, 3, 1, 2]);
  const a = new SessionTimeline<(typeof msgs)[number]>();
  const b = new SessionTimeline<(typeof msgs)[number]>();
  msgs.forEach((x) => a.add(x));
  [...msgs].reverse().forEach((x) => b.add(x));
  assert.deepEqual(a.messages, sorted);
  assert.deepEqual(b.messages, sorted);
  assert.equal(a.add(msgs[0]!), null);
});
