// Regenerates src/protocol/vectors/frames.json (docs/PROTOCOL.md "Link frames"). Run only for an
// intended format change: `npx tsx scripts/gen-frame-vectors.ts`. Invalid rows are checked here
// to fail as expected and record the code the decoder gives.
import { writeFileSync } from 'node:fs';
import { encodeFrame, decodeFrame, type Frame } from '../src/protocol/frames.ts';
import { ProtocolError } from '../src/protocol/errors.ts';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const seq = (n: number, start: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
const valid: [string, Frame][] = [
  ['hello, no capabilities, empty name', { type: 'hello', minVersion: 1, maxVersion: 1, capabilities: [], displayName: '' }],
  ['hello with capabilities and a non-ASCII name', { type: 'hello', minVersion: 1, maxVersion: 3, capabilities: ['receipts', 'typing', 'sessions'], displayName: 'Zoë 🦊' }],
  ['presence online, no text', { type: 'presence', state: 'online', text: '' }],
  ['presence away with text', { type: 'presence', state: 'away', text: 'back at 3' }],
  ['presence busy', { type: 'presence', state: 'busy', text: 'in a meeting' }],
  ['presence dnd', { type: 'presence', state: 'dnd', text: 'ne pas déranger' }],
  ['message', { type: 'message', id: seq(16, 0x00), conversationId: seq(16, 0x10), sentAt: 1700000000123, body: 'Hello, Bob!\nSecond line.' }],
  ['message, sentAt 0 and a BOM-led body', { type: 'message', id: seq(16, 0xf0), conversationId: new Uint8Array(16), sentAt: 0, body: '\ufeffbom' }],
  ['message, sentAt 2^53-1', { type: 'message', id: new Uint8Array(16).fill(0xff), conversationId: seq(16, 0x80), sentAt: Number.MAX_SAFE_INTEGER, body: 'x' }],
  ['ack', { type: 'ack', messageId: seq(16, 0x20) }],
  ['receipt delivered', { type: 'receipt', messageId: seq(16, 0x20), kind: 'delivered', at: 1700000001000 }],
  ['receipt read', { type: 'receipt', messageId: seq(16, 0x20), kind: 'read', at: 1700000002000 }],
  ['typing on', { type: 'typing', conversationId: seq(16, 0x10), active: true }],
  ['typing off', { type: 'typing', conversationId: seq(16, 0x10), active: false }],
  ['session invite', { type: 'session', kind: 'invite', payload: seq(8, 0xa0) }],
  ['session leave, empty payload', { type: 'session', kind: 'leave', payload: new Uint8Array(0) }],
  ['ping', { type: 'ping', nonce: 0x01020304 }],
  ['pong max nonce', { type: 'pong', nonce: 0xffffffff }],
  ['bye normal', { type: 'bye', reason: 'normal' }],
  ['bye duplicate', { type: 'bye', reason: 'duplicate' }],
  ['bye incompatible', { type: 'bye', reason: 'incompatible' }],
];
const toJson = (f: Frame) => JSON.parse(JSON.stringify(f, (_k, v) => (v instanceof Uint8Array ? hex(v) : v)));
const out = {
  description: 'Link frames (docs/PROTOCOL.md "Link frames"). valid: encodeFrame(frame) == hex and decodeFrame(hex) == frame; byte fields (id, conversationId, messageId, payload) are hex. invalid: decodeFrame(hex) throws ProtocolError with code.',
  valid: valid.map(([name, frame]) => ({ name, frame: toJson(frame), hex: hex(encodeFrame(frame)) })),
  invalid: [] as { name: string; hex: string; code: string }[],
};
const bad: [string, string][] = [
  ['empty', ''],
  ['version only', '01'],
  ['version 0', '0008' + '01020304'],
  ['version 2', '0208' + '01020304'],
  ['type 0x00', '0100'],
  ['type 0x0b (unknown)', '010b00'],
  ['ping truncated', '0108010203'],
  ['ping with a trailing byte', '01080102030400'],
  ['presence state 0', '01020000' + '00'], ['presence state 5', '01020500' + '00'],
  ['presence text with a newline', '0102010001' + '0a'],
  ['presence text of 141 characters', '010201' + (141).toString(16).padStart(4, '0') + '61'.repeat(141)],
  ['presence text invalid UTF-8 (overlong slash)', '0102010002c0af'],
  ['presence text lone surrogate (CESU)', '0102010003eda080'],
  ['typing active 2', '0106' + '00'.repeat(16) + '02'],
  ['receipt kind 0', '0105' + '00'.repeat(16) + '00' + '0000000000000000'],
  ['receipt time above 2^53-1', '0105' + '00'.repeat(16) + '01' + '0020000000000000'],
  ['message with empty body', '0103' + '00'.repeat(32) + '0000000000000000' + '0000'],
  ['message body length past the end', '0103' + '00'.repeat(32) + '0000000000000000' + '000561'],
  ['hello min version 0', '0101000100' + '0000'],
  ['hello min > max', '0101020100' + '0000'],
  ['hello duplicate capability', '01010101' + '02' + '000161' + '000161' + '0000'],
  ['hello capability upper case', '01010101' + '01' + '000141' + '0000'],
  ['hello 17 capabilities', '01010101' + '11' + Array.from({ length: 17 }, (_, i) => '0001' + (0x61 + i).toString(16)).join('') + '0000'],
  ['session kind 6', '010706' + '0000'],
  ['bye reason 0', '010a00'], ['bye reason 7', '010a07'],
];
for (const [name, h] of bad) {
  try { decodeFrame(Uint8Array.from(Buffer.from(h, 'hex'))); throw new Error('accepted: ' + name); }
  catch (e) { if (!(e instanceof ProtocolError)) throw e; out.invalid.push({ name, hex: h, code: e.code }); }
}
writeFileSync(new URL('../src/protocol/vectors/frames.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
