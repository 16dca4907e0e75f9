import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  decodeFrame, encodeFrame, MAX_FRAME_SIZE, MAX_MESSAGE_BODY_BYTES, MAX_PRESENCE_TEXT_CHARS,
  MAX_SESSION_PAYLOAD_BYTES, type Frame,
} from './frames.ts';
import { ProtocolError } from './errors.ts';

const BYTE_FIELDS = new Set(['id', 'conversationId', 'messageId', 'payload']);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

function frameFromJson(json: Record<string, unknown>): Frame {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) out[k] = BYTE_FIELDS.has(k) ? unhex(v as string) : v;
  return out as unknown as Frame;
}

interface Vectors {
  valid: { name: string; frame: Record<string, unknown>; hex: string }[];
  invalid: { name: string; hex: string; code: string }[];
}
const vectors = JSON.parse(readFileSync(new URL('./vectors/frames.json', import.meta.url), 'utf8')) as Vectors;

function rejects(bytes: Uint8Array, code?: string): void {
  assert.throws(() => decodeFrame(bytes), (err: unknown) => {
    assert.ok(err instanceof ProtocolError, `expected ProtocolError, got ${String(err)}`);
    if (code !== undefined) assert.equal(err.code, code);
    return true;
  });
}

test('known-answer vectors: every valid vector encodes to its hex and decodes back', () => {
  assert.ok(vectors.valid.length >= 20);
  const types = new Set<string>();
  for (const v of vectors.valid) {
    const frame = frameFromJson(v.frame);
    types.add(frame.type);
    assert.equal(hex(encodeFrame(frame)), v.hex, v.name);
    assert.deepEqual(decodeFrame(unhex(v.hex)), frame, v.name);
  }
  assert.deepEqual([...types].sort(), ['ack', 'bye', 'hello', 'message', 'ping', 'pong', 'presence', 'receipt', 'session', 'typing']);
});

test('known-answer vectors: every invalid vector is rejected with its code', () => {
  for (const v of vectors.invalid) {
    assert.throws(() => decodeFrame(unhex(v.hex)), (err: unknown) => err instanceof ProtocolError && err.code === v.code, v.name);
  }
});

test('a hand-assembled ping matches the spec layout byte by byte', () => {
  // version 1, type 0x08, nonce u32 big-endian (docs/PROTOCOL.md "Link frames").
  assert.deepEqual(encodeFrame({ type: 'ping', nonce: 0xdeadbeef }), Uint8Array.of(0x01, 0x08, 0xde, 0xad, 0xbe, 0xef));
});

test('size caps hold exactly at the limit and fail one past it', () => {
  const id = new Uint8Array(16);
  const maxBody = 'a'.repeat(MAX_MESSAGE_BODY_BYTES);
  const frame: Frame = { type: 'message', id, conversationId: id, sentAt: 1, body: maxBody };
  assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
  assert.throws(() => encodeFrame({ ...frame, body: maxBody + 'a' }), { code: 'TOO_LARGE' });
  // 4096 four-byte characters are exactly 16 KiB of UTF-8; one more is over.
  assert.doesNotThrow(() => encodeFrame({ ...frame, body: '🦊'.repeat(4096) }));
  assert.throws(() => encodeFrame({ ...frame, body: '🦊'.repeat(4097) }), { code: 'TOO_LARGE' });
  const tooLongBody = Uint8Array.from([0x01, 0x03, ...new Uint8Array(40), 0x40, 0x01, ...new Uint8Array(16385).fill(0x61)]);
  rejects(tooLongBody, 'TOO_LARGE');

  const text = '🦊'.repeat(MAX_PRESENCE_TEXT_CHARS); // characters, not bytes: 560 bytes is fine
  assert.doesNotThrow(() => encodeFrame({ type: 'presence', state: 'away', text }));
  assert.throws(() => encodeFrame({ type: 'presence', state: 'away', text: text + 'x' }), { code: 'TOO_LARGE' });

  const payload = new Uint8Array(MAX_SESSION_PAYLOAD_BYTES);
  assert.doesNotThrow(() => encodeFrame({ type: 'session', kind: 'ticket', payload }));
  assert.throws(() => encodeFrame({ type: 'session', kind: 'ticket', payload: new Uint8Array(MAX_SESSION_PAYLOAD_BYTES + 1) }), { code: 'TOO_LARGE' });

  rejects(new Uint8Array(MAX_FRAME_SIZE + 1).fill(1), 'TOO_LARGE');
});

test('the encoder refuses frames the decoder would refuse (no unsendable or lossy values)', () => {
  const id = new Uint8Array(16);
  const bad: unknown[] = [
    null,
    { type: 'nope' },
    { type: 'ping', nonce: -1 },
    { type: 'ping', nonce: 2 ** 32 },
    { type: 'ping', nonce: 1.5 },
    { type: 'presence', state: 'invisible', text: '' }, // invisible is never announced (DESIGN D4)
    { type: 'presence', state: 'online', text: 'a\u0007b' },
    { type: 'presence', state: 'online', text: '\ud800' }, // lone surrogate: would become U+FFFD
    { type: 'message', id: new Uint8Array(15), conversationId: id, sentAt: 1, body: 'x' },
    { type: 'message', id, conversationId: id, sentAt: 2 ** 53, body: 'x' },
    { type: 'message', id, conversationId: id, sentAt: 1, body: '' },
    { type: 'message', id, conversationId: id, sentAt: 1, body: 'nul\u0000' },
    { type: 'typing', conversationId: id, active: 1 },
    { type: 'hello', minVersion: 2, maxVersion: 1, capabilities: [], displayName: '' },
    { type: 'hello', minVersion: 1, maxVersion: 1, capabilities: ['a', 'a'], displayName: '' },
    { type: 'hello', minVersion: 1, maxVersion: 1, capabilities: ['Receipts'], displayName: '' },
    { type: 'hello', minVersion: 1, maxVersion: 1, capabilities: [], displayName: 'x'.repeat(65) },
    { type: 'bye', reason: 'revoked' },
  ];
  for (const frame of bad) {
    assert.throws(() => encodeFrame(frame as Frame), (err: unknown) => err instanceof ProtocolError, JSON.stringify(frame));
  }
  // Message bodies keep tabs and line breaks (CRLF included).
  assert.doesNotThrow(() => encodeFrame({ type: 'message', id, conversationId: id, sentAt: 1, body: 'a\tb\r\nc' }));
});

// --- property tests -------------------------------------------------------------------------

// Characters the short-text fields refuse; generators strip them so they produce valid frames.
const SHORT_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu;
const BODY_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;

const id16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const time = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const shortText = (max: number) => fc.string({ unit: 'binary', maxLength: max }).map((s) => s.replace(SHORT_FORBIDDEN, ''));

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    minVersion: fc.integer({ min: 1, max: 255 }),
    maxVersion: fc.integer({ min: 1, max: 255 }),
    capabilities: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,31}$/), { maxLength: 16 }),
    displayName: shortText(64),
  }).map((h) => ({ ...h, minVersion: Math.min(h.minVersion, h.maxVersion), maxVersion: Math.max(h.minVersion, h.maxVersion) })),
  fc.record({ type: fc.constant('presence' as const), state: fc.constantFrom('online', 'away', 'busy', 'dnd' as const), text: shortText(140) }),
  fc.record({
    type: fc.constant('message' as const), id: id16, conversationId: id16, sentAt: time,
    body: fc.string({ unit: 'binary', minLength: 1, maxLength: 600 }).map((s) => s.replace(BODY_FORBIDDEN, '')).filter((s) => s.length > 0),
  }),
  fc.record({ type: fc.constant('ack' as const), messageId: id16 }),
  fc.record({ type: fc.constant('receipt' as const), messageId: id16, kind: fc.constantFrom('delivered', 'read' as const), at: time }),
  fc.record({ type: fc.constant('typing' as const), conversationId: id16, active: fc.boolean() }),
  fc.record({
    type: fc.constant('session' as const),
    kind: fc.constantFrom('invite', 'accept', 'decline', 'ticket', 'leave' as const),
    payload: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({ type: fc.constantFrom('ping', 'pong' as const), nonce: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  fc.record({ type: fc.constant('bye' as const), reason: fc.constantFrom('normal', 'shutdown', 'duplicate', 'protocol', 'timeout', 'incompatible' as const) }),
  // fast-check may build null-prototype records; decodeFrame returns plain objects.
).map((f) => ({ ...f })) as fc.Arbitrary<Frame>;

test('property: every frame type round-trips, and the encoding is canonical', () => {
  fc.assert(fc.property(frameArb, (frame) => {
    const bytes = encodeFrame(frame);
    assert.ok(bytes.length <= MAX_FRAME_SIZE);
    const back = decodeFrame(bytes);
    assert.deepEqual(back, frame);
    assert.deepEqual(encodeFrame(back), bytes);
  }), { numRuns: 3000 });
});

test('property: truncations and extensions are always rejected', () => {
  // Every field is fixed-size or length-prefixed and the decoder demands that the frame ends
  // exactly at the last field, so no strict prefix and no extension of a frame is a frame.
  fc.assert(fc.property(frameArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (frame, cut, extra) => {
    const bytes = encodeFrame(frame);
    rejects(bytes.subarray(0, cut % bytes.length));
    rejects(bytes.subarray(0, bytes.length - 1));
    const longer = new Uint8Array(bytes.length + extra.length);
    longer.set(bytes);
    longer.set(extra, bytes.length);
    rejects(longer, 'BAD_LENGTH');
  }), { numRuns: 2000 });
});

test('property: a single flipped bit is rejected or yields a different, canonical frame', () => {
  // Which flips can yield a valid frame: bits inside free-form content (ids, conversation ids,
  // timestamps, nonces, session payload bytes, UTF-8 text that stays valid), enum bytes whose
  // neighbour is also defined (presence away<->online, receipt kind 1<->2, bye reasons,
  // typing 0<->1), and the type byte where two types share a layout (ping 0x08 <-> pong 0x09).
  // Which never do: the version byte (only version 1 exists), and for these frames that end in a
  // single length-prefixed field, that field's length (the frame would end early or late).
  // The link is still safe: Noise authenticates every frame, so a flip on the wire never reaches
  // decodeFrame; this property is about the decoder never accepting something it cannot re-emit.
  let different = 0;
  let rejected = 0;
  fc.assert(fc.property(frameArb, fc.nat(), (frame, pick) => {
    const bytes = encodeFrame(frame);
    const bit = pick % (bytes.length * 8);
    const flipped = bytes.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    let decoded: Frame;
    try {
      decoded = decodeFrame(flipped);
    } catch (err) {
      assert.ok(err instanceof ProtocolError, `non-ProtocolError ${String(err)}`);
      rejected++;
      return;
    }
    assert.notEqual(bit >> 3, 0, 'a version-byte flip was accepted');
    assert.notDeepEqual(decoded, frame);
    assert.deepEqual(encodeFrame(decoded), flipped);
    different++;
  }), { numRuns: 5000 });
  // Version byte: always rejected, every bit.
  fc.assert(fc.property(frameArb, fc.integer({ min: 0, max: 7 }), (frame, bit) => {
    const bytes = encodeFrame(frame);
    bytes[0]! ^= 1 << bit;
    rejects(bytes, 'BAD_VERSION');
  }), { numRuns: 500 });
  // Last length prefix of single-variable-field frames: always rejected.
  fc.assert(fc.property(
    fc.oneof(
      fc.record({ type: fc.constant('presence' as const), state: fc.constant('online' as const), text: shortText(140) }),
      fc.record({ type: fc.constant('session' as const), kind: fc.constant('ticket' as const), payload: fc.uint8Array({ maxLength: 300 }) }),
    ) as fc.Arbitrary<Frame>,
    fc.integer({ min: 0, max: 15 }),
    (frame, bit) => {
      const bytes = encodeFrame(frame);
      bytes[3 + (bit >> 3)]! ^= 1 << (bit & 7); // the u16 length after version, type, enum byte
      rejects(bytes);
    },
  ), { numRuns: 500 });
  assert.ok(rejected > 0 && different > 0, `rejected ${rejected}, different ${different}`);
});

test('property: 10^4 random byte strings give ProtocolError and nothing else', () => {
  let accepted = 0;
  // Half the inputs start with a valid version and type so the field parsers get exercised too.
  const garbage = fc.oneof(
    fc.uint8Array({ maxLength: 256 }),
    fc.tuple(fc.integer({ min: 1, max: 10 }), fc.uint8Array({ maxLength: 256 })).map(([type, rest]) => Uint8Array.from([1, type, ...rest])),
  );
  fc.assert(fc.property(garbage, (bytes) => {
    try {
      const frame = decodeFrame(bytes);
      // Possible but rare (e.g. 01 08 + 4 bytes is a ping): then it must be canonical.
      assert.deepEqual(encodeFrame(frame), bytes);
      accepted++;
    } catch (err) {
      assert.ok(err instanceof ProtocolError, `non-ProtocolError ${String(err)}`);
      assert.equal(typeof err.code, 'string');
    }
  }), { numRuns: 10_000 });
  assert.ok(accepted < 500, `${accepted} random strings decoded`);
});
