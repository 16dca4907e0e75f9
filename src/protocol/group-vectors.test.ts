// Known answers for multi-party sessions (src/protocol/vectors/session-tickets.json and
// group-frames.json, written by scripts/gen-vectors.ts): any change to these wire formats fails here.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ready, fromHex, toHex, identityFromSeed, issueSessionTicket, encodeSessionTicket, decodeSessionTicket,
  decodeGroupFrame, encodeGroupFrame, isProtocolError, type GroupFrame, type SessionControlKind,
} from './index.ts';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;
}

before(async () => { await ready(); });

test('session-tickets.json: re-signed byte for byte from the inputs, then decoded', () => {
  const rows = load<{ issuerSeed: string; issuer: string; sessionId: string; member: string; clientAuthKey: string; epoch: number; ticket: string }[]>('session-tickets.json');
  assert.ok(rows.length >= 3);
  for (const row of rows) {
    const issuer = identityFromSeed(fromHex(row.issuerSeed));
    assert.equal(toHex(issuer.publicKey), row.issuer);
    const ticket = issueSessionTicket({
      sessionId: fromHex(row.sessionId), member: fromHex(row.member), issuer, clientAuthKey: fromHex(row.clientAuthKey), epoch: row.epoch,
    });
    assert.equal(toHex(encodeSessionTicket(ticket)), row.ticket);
    const decoded = decodeSessionTicket(fromHex(row.ticket));
    assert.equal(toHex(decoded.member), row.member);
    assert.equal(toHex(decoded.issuer), row.issuer);
    assert.equal(decoded.epoch, row.epoch);
  }
});

/** The vectors' JSON view of a frame: byte fields hex, a ticket as its encoded hex. */
function jsonView(frame: GroupFrame): unknown {
  return hexView('ticket' in frame ? { ...frame, ticket: encodeSessionTicket(frame.ticket) } : frame);
}

function hexView(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(hexView);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hexView(v)]));
  return value;
}

interface GroupVectors {
  valid: { name: string; frame: Record<string, unknown>; kind: SessionControlKind; hex: string }[];
  invalid: { name: string; kind: SessionControlKind; hex: string; code: string }[];
}

test('group-frames.json: every valid payload decodes to its frame and encodes back to the same bytes', () => {
  const { valid } = load<GroupVectors>('group-frames.json');
  const types = new Set<string>();
  for (const row of valid) {
    const frame = decodeGroupFrame({ type: 'session', kind: row.kind, payload: fromHex(row.hex) });
    assert.deepEqual(jsonView(frame), row.frame, row.name);
    const link = encodeGroupFrame(frame);
    assert.equal(link.kind, row.kind, row.name);
    assert.equal(toHex(link.payload), row.hex, row.name);
    types.add(frame.type);
  }
  assert.equal(types.size, 14, 'one vector per frame type at least');
});

test('group-frames.json: every invalid payload is refused with its code', () => {
  const { invalid } = load<GroupVectors>('group-frames.json');
  assert.ok(invalid.length >= 10);
  for (const row of invalid) {
    assert.throws(
      () => decodeGroupFrame({ type: 'session', kind: row.kind, payload: fromHex(row.hex) }),
      (err: unknown) => isProtocolError(err) && err.code === row.code,
      row.name,
    );
  }
});
