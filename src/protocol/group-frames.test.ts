import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  ready, identityFromSeed, decodeFrame, encodeFrame, encodeGroupFrame, decodeGroupFrame, issueSessionTicket,
  encodeSessionTicket, decodeSessionTicket, checkSessionTicket, toHex, isProtocolError, MAX_GROUP_BODY_BYTES,
  MAX_GROUP_MEMBERS, SESSION_TICKET_BYTES, type GroupFrame, type InviteMember, type MemberEntry, type SessionFrame, type Identity,
} from './index.ts';

let a: Identity;
let b: Identity;
let c: Identity;
let d: Identity;
const sessionId = Uint8Array.from({ length: 16 }, (_, i) => i);
const key = (n: number): Uint8Array => new Uint8Array(32).fill(n);
/** A member as an invite lists it: identity and a session client-auth key. */
const im = (member: Uint8Array): InviteMember => ({ member, clientAuthKey: Uint8Array.from(member, (x) => x ^ 0x5a) });

before(async () => {
  await ready();
  [a, b, c, d] = [1, 2, 3, 4].map((n) => identityFromSeed(key(n))) as [Identity, Identity, Identity, Identity];
});

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => isProtocolError(err) && err.code === code, `expected ${code}`);
}

function samples(): GroupFrame[] {
  const ticket = issueSessionTicket({ sessionId, member: c.publicKey, issuer: b, clientAuthKey: key(7), epoch: 3 });
  return [
    { type: 'message', sessionId, id: key(5).subarray(0, 16), lamport: 42, sentAt: 1_767_225_600_000, body: 'hello all\nsecond line' },
    { type: 'invite', sessionId, title: 'Zoë’s plans 🦊', members: [im(a.publicKey), im(b.publicKey)] },
    { type: 'join', sessionId, clientAuthKey: key(7), endpoint: { onionKey: key(8), port: 443 } },
    { type: 'join', sessionId, clientAuthKey: key(7), endpoint: null },
    { type: 'reject', sessionId },
    {
      type: 'members', sessionId, coordinator: a.publicKey, epoch: 3, lamport: 9, ticket,
      members: [{ ...im(a.publicKey), endpoint: { onionKey: key(9), port: 1 } }, { ...im(b.publicKey), endpoint: null }],
    },
    { type: 'ticket', sessionId, ticket, endpoint: { onionKey: key(8), port: 443 } },
    { type: 'ticket', sessionId, ticket, endpoint: null },
    { type: 'admit', sessionId, epoch: 3 },
    { type: 'complete', sessionId, epoch: 3 },
    { type: 'token-request', sessionId, seq: 1 },
    { type: 'token-grant', sessionId, seq: 1, epoch: 0xffff_ffff },
    { type: 'token-redirect', sessionId, seq: 2, coordinator: b.publicKey },
    { type: 'token-release', sessionId, epoch: 3 },
    { type: 'leave', sessionId, successor: b.publicKey, tokenHolder: c.publicKey, epoch: 3 },
    { type: 'leave', sessionId, successor: null, tokenHolder: null, epoch: 0 },
    { type: 'endpoint', sessionId, endpoint: { onionKey: key(10), port: 1 } },
    { type: 'endpoint', sessionId, endpoint: null },
  ];
}

test('every group frame type round-trips through the link frame codec', () => {
  const seen = new Set<string>();
  for (const frame of samples()) {
    const link = encodeGroupFrame(frame);
    const back = decodeFrame(encodeFrame(link));
    assert.equal(back.type, 'session');
    assert.deepEqual(decodeGroupFrame(back as SessionFrame), frame);
    seen.add(frame.type);
  }
  assert.equal(seen.size, 14);
});

test('strict decoding: every truncation and any trailing byte is a coded error', () => {
  for (const frame of samples()) {
    const link = encodeGroupFrame(frame);
    for (let n = 0; n < link.payload.length; n++) {
      assert.throws(() => decodeGroupFrame({ ...link, payload: link.payload.subarray(0, n) }), isProtocolError);
    }
    rejects(() => decodeGroupFrame({ ...link, payload: Uint8Array.of(...link.payload, 0) }), 'BAD_LENGTH');
  }
});

test('version, type, kind and flag bytes are checked', () => {
  const link = encodeGroupFrame({ type: 'token-request', sessionId, seq: 1 });
  const with0 = (i: number, v: number): SessionFrame => {
    const payload = link.payload.slice();
    payload[i] = v;
    return { ...link, payload };
  };
  rejects(() => decodeGroupFrame(with0(0, 2)), 'BAD_VERSION');
  rejects(() => decodeGroupFrame(with0(0, 0)), 'BAD_VERSION');
  rejects(() => decodeGroupFrame(with0(1, 0)), 'BAD_TYPE');
  rejects(() => decodeGroupFrame(with0(1, 0x0e)), 'BAD_TYPE');
  rejects(() => decodeGroupFrame({ ...link, kind: 'invite' }), 'BAD_TYPE');
  // The pairing protocol's empty leave / 1-byte decline never read as group frames.
  rejects(() => decodeGroupFrame({ type: 'session', kind: 'leave', payload: new Uint8Array(0) }), 'BAD_LENGTH');
  rejects(() => decodeGroupFrame({ type: 'session', kind: 'decline', payload: Uint8Array.of(1) }), 'BAD_LENGTH');
  const leave = encodeGroupFrame({ type: 'leave', sessionId, successor: null, tokenHolder: null, epoch: 0 });
  const badFlag = leave.payload.slice();
  badFlag[18] = 2;
  rejects(() => decodeGroupFrame({ ...leave, payload: badFlag }), 'OUT_OF_RANGE');
  rejects(() => encodeGroupFrame({ type: 'leave', sessionId, successor: null, tokenHolder: a.publicKey, epoch: 0 }), 'OUT_OF_RANGE');
  const join = encodeGroupFrame({ type: 'join', sessionId, clientAuthKey: key(7), endpoint: { onionKey: key(8), port: 1 } });
  const port0 = join.payload.slice();
  port0[port0.length - 1] = 0;
  rejects(() => decodeGroupFrame({ ...join, payload: port0 }), 'OUT_OF_RANGE');
});

test('field limits: body size, empty body, title controls, member count and duplicates', () => {
  const msg = (body: string): GroupFrame => ({ type: 'message', sessionId, id: new Uint8Array(16), lamport: 1, sentAt: 0, body });
  assert.ok(encodeGroupFrame(msg('x'.repeat(MAX_GROUP_BODY_BYTES))).payload.length <= 8192);
  rejects(() => encodeGroupFrame(msg('x'.repeat(MAX_GROUP_BODY_BYTES + 1))), 'TOO_LARGE');
  rejects(() => encodeGroupFrame(msg('')), 'OUT_OF_RANGE');
  rejects(() => encodeGroupFrame({ type: 'invite', sessionId, title: 'a\u2028b', members: [im(a.publicKey)] }), 'BAD_ENCODING');
  rejects(() => encodeGroupFrame({ type: 'invite', sessionId, title: 't', members: [im(a.publicKey), im(a.publicKey)] }), 'BAD_KEY');
  rejects(() => encodeGroupFrame({ type: 'invite', sessionId, title: 't', members: [] }), 'OUT_OF_RANGE');
  const many = Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => { const k = new Uint8Array(32); k[0] = i; k[1] = 1; return k; });
  rejects(() => encodeGroupFrame({ type: 'invite', sessionId, title: 't', members: many.map(im) }), 'OUT_OF_RANGE');
  // A full member list still fits one session payload.
  const ticket = issueSessionTicket({ sessionId, member: c.publicKey, issuer: a, clientAuthKey: key(7), epoch: 1 });
  const full = [a.publicKey, ...many.slice(0, MAX_GROUP_MEMBERS - 1)].map((member) => ({ ...im(member), endpoint: { onionKey: key(9), port: 65535 } }));
  const frame: GroupFrame = { type: 'members', sessionId, coordinator: a.publicKey, epoch: 1, lamport: 0, ticket, members: full };
  assert.deepEqual(decodeGroupFrame(encodeGroupFrame(frame)), frame);
});

test('member list hand-over: coordinator and issuer listed, newcomer not, ticket for this session', () => {
  const ticket = issueSessionTicket({ sessionId, member: c.publicKey, issuer: b, clientAuthKey: key(7), epoch: 1 });
  const base = { type: 'members' as const, sessionId, coordinator: a.publicKey, epoch: 1, lamport: 0, ticket };
  const entry = (k: Identity): MemberEntry => ({ ...im(k.publicKey), endpoint: null });
  rejects(() => encodeGroupFrame({ ...base, members: [entry(b)] }), 'BAD_KEY');
  rejects(() => encodeGroupFrame({ ...base, members: [entry(a)] }), 'BAD_KEY');
  rejects(() => encodeGroupFrame({ ...base, members: [entry(a), entry(b), entry(c)] }), 'BAD_KEY');
  const otherSession = issueSessionTicket({ sessionId: new Uint8Array(16), member: c.publicKey, issuer: b, clientAuthKey: key(7), epoch: 1 });
  rejects(() => encodeGroupFrame({ type: 'ticket', sessionId, ticket: otherSession, endpoint: null }), 'BAD_KEY');
});

test('session ticket: signed by the issuer, names session, member and issuer; copies and forgeries refused', () => {
  const ticket = issueSessionTicket({ sessionId, member: c.publicKey, issuer: b, clientAuthKey: key(7), epoch: 5 });
  const bytes = encodeSessionTicket(ticket);
  assert.equal(bytes.length, SESSION_TICKET_BYTES);
  assert.deepEqual(decodeSessionTicket(bytes), ticket);
  const members = new Set([toHex(a.publicKey), toHex(b.publicKey)]);
  checkSessionTicket(ticket, { sessionId, presenter: c.publicKey, members });
  // A copy shown over a link authenticated as D.
  rejects(() => checkSessionTicket(ticket, { sessionId, presenter: d.publicKey, members }), 'WRONG_RECIPIENT');
  rejects(() => checkSessionTicket(ticket, { sessionId: new Uint8Array(16), presenter: c.publicKey, members }), 'WRONG_RECIPIENT');
  rejects(() => checkSessionTicket(ticket, { sessionId, presenter: c.publicKey, members: new Set([toHex(a.publicKey)]) }), 'WRONG_PUBLISHER');
  // D rewrites the member to itself: the signature no longer verifies; every bit of the ticket is covered.
  for (let i = 0; i < bytes.length; i++) {
    const flipped = bytes.slice();
    flipped[i]! ^= 1;
    assert.throws(() => decodeSessionTicket(flipped), isProtocolError);
  }
  const forged = bytes.slice();
  forged.set(d.publicKey, 17);
  rejects(() => decodeSessionTicket(forged), 'BAD_SIGNATURE');
  // D signs a ticket for itself: a valid signature by a non-member.
  const selfMade = issueSessionTicket({ sessionId, member: d.publicKey, issuer: c, clientAuthKey: key(7), epoch: 5 });
  rejects(() => checkSessionTicket(selfMade, { sessionId, presenter: d.publicKey, members }), 'WRONG_PUBLISHER');
  rejects(() => issueSessionTicket({ sessionId, member: b.publicKey, issuer: b, clientAuthKey: key(7), epoch: 1 }), 'BAD_KEY');
  const v2 = bytes.slice();
  v2[0] = 2;
  rejects(() => decodeSessionTicket(v2), 'BAD_VERSION');
  rejects(() => decodeSessionTicket(bytes.subarray(1)), 'BAD_LENGTH');
});
