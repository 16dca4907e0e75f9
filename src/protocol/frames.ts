// Link frames: what two contacts say to each other inside the Noise session (DESIGN D6).
// One frame per secret-stream message. Wire format (docs/PROTOCOL.md "Link frames"):
//
//   frame = version:u8 (= 1) || type:u8 || fields        integers big-endian
//   str   = len:u16 || UTF-8[len]     bytes = len:u16 || bytes[len]
//
// The decoder is strict: every byte must be accounted for, every value in range, every string
// valid UTF-8 within its cap, so each frame has exactly one encoding and a decoder never returns
// a partial or "best effort" result (hyperswarm's rule: a malformed frame destroys the link).
import { ProtocolError, type ProtocolErrorCode } from './errors.ts';
import { utf8Decode } from './bytes.ts';

export const FRAME_VERSION = 1;
/** Upper bound on one encoded frame; the link refuses bigger secret-stream messages unread. */
export const MAX_FRAME_SIZE = 64 * 1024;
/** Message bodies: 16 KiB of UTF-8 keeps one message well under MAX_FRAME_SIZE. */
export const MAX_MESSAGE_BODY_BYTES = 16 * 1024;
/** Presence custom text, counted in Unicode code points (what a user sees as characters). */
export const MAX_PRESENCE_TEXT_CHARS = 140;
export const MAX_DISPLAY_NAME_CHARS = 64;
export const MAX_CAPABILITIES = 16;
export const MAX_CAPABILITY_BYTES = 32;
export const MAX_SESSION_PAYLOAD_BYTES = 8 * 1024;
export const FRAME_ID_BYTES = 16;

export type FramePresenceState = 'online' | 'away' | 'busy' | 'dnd';
export type ReceiptKind = 'delivered' | 'read';
export type SessionControlKind = 'invite' | 'accept' | 'decline' | 'ticket' | 'leave';
export type ByeReason = 'normal' | 'shutdown' | 'duplicate' | 'protocol' | 'timeout' | 'incompatible';

export interface HelloFrame {
  type: 'hello';
  /** Range of link protocol versions the sender speaks; the link uses the highest common one. */
  minVersion: number;
  maxVersion: number;
  /** Optional features the sender supports, in preference order, no duplicates. */
  capabilities: string[];
  displayName: string;
}
export interface PresenceFrame { type: 'presence'; state: FramePresenceState; text: string }
export interface MessageFrame {
  type: 'message';
  id: Uint8Array;
  conversationId: Uint8Array;
  /** Sender's clock, unix milliseconds. */
  sentAt: number;
  body: string;
}
export interface AckFrame { type: 'ack'; messageId: Uint8Array }
export interface ReceiptFrame { type: 'receipt'; messageId: Uint8Array; kind: ReceiptKind; at: number }
export interface TypingFrame { type: 'typing'; conversationId: Uint8Array; active: boolean }
/** Multi-party session control; the payload (e.g. a signed session ticket) has its own codec. */
export interface SessionFrame { type: 'session'; kind: SessionControlKind; payload: Uint8Array }
export interface PingFrame { type: 'ping'; nonce: number }
export interface PongFrame { type: 'pong'; nonce: number }
export interface ByeFrame { type: 'bye'; reason: ByeReason }

export type Frame =
  | HelloFrame | PresenceFrame | MessageFrame | AckFrame | ReceiptFrame
  | TypingFrame | SessionFrame | PingFrame | PongFrame | ByeFrame;
export type FrameType = Frame['type'];

const TYPE_CODES = {
  hello: 0x01, presence: 0x02, message: 0x03, ack: 0x04, receipt: 0x05,
  typing: 0x06, session: 0x07, ping: 0x08, pong: 0x09, bye: 0x0a,
} as const satisfies Record<FrameType, number>;

// Enumerations travel as their index in these lists; adding a value appends (never reorders).
const PRESENCE_STATES: readonly FramePresenceState[] = ['online', 'away', 'busy', 'dnd'];
const RECEIPT_KINDS: readonly ReceiptKind[] = ['delivered', 'read'];
const SESSION_KINDS: readonly SessionControlKind[] = ['invite', 'accept', 'decline', 'ticket', 'leave'];
const BYE_REASONS: readonly ByeReason[] = ['normal', 'shutdown', 'duplicate', 'protocol', 'timeout', 'incompatible'];
// Every enumeration byte starts at 1 (as the registry's presence byte does): a zeroed field is
// never a meaningful value.
const ENUM_BASE = 1;

const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9.-]*$/;
// C0/C1 controls and U+2028/9 in names and status texts would let a contact forge line breaks or
// terminal control in our UI and logs; message bodies may hold newlines and tabs.
const SHORT_TEXT_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const BODY_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

const utf8Encoder = new TextEncoder();

function fail(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, message);
}

// Collects parts and copies once: byte-by-byte pushes made a 16 KiB body cost ~390 us to encode.
export class FrameWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private push(part: Uint8Array): void { this.parts.push(part); this.size += part.length; }
  u8(v: number): void { this.push(Uint8Array.of(v & 0xff)); }
  u16(v: number): void { this.push(Uint8Array.of((v >>> 8) & 0xff, v & 0xff)); }
  u32(v: number): void { this.push(Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)); }
  u64(v: number): void {
    const hi = Math.floor(v / 0x1_0000_0000);
    this.u32(hi);
    this.u32(v - hi * 0x1_0000_0000);
  }
  raw(bytes: Uint8Array): void { this.push(bytes); }
  bytes(bytes: Uint8Array): void { this.u16(bytes.length); this.raw(bytes); }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) { out.set(part, offset); offset += part.length; }
    return out;
  }
}

function copy(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

export class FrameReader {
  private offset = 0;
  constructor(private readonly buf: Uint8Array) {}
  private take(n: number, what: string): Uint8Array {
    if (this.offset + n > this.buf.length) fail('BAD_LENGTH', `frame ends inside ${what}`);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(what: string): number { return this.take(1, what)[0] as number; }
  u16(what: string): number { const b = this.take(2, what); return ((b[0] as number) << 8) | (b[1] as number); }
  u32(what: string): number {
    const b = this.take(4, what);
    return (((b[0] as number) << 24) >>> 0) + ((b[1] as number) << 16) + ((b[2] as number) << 8) + (b[3] as number);
  }
  u64(what: string): number {
    const hi = this.u32(what);
    const lo = this.u32(what);
    // Times are JS numbers: anything past 2^53 - 1 cannot round-trip, so it is out of range.
    if (hi > 0x1f_ffff) fail('OUT_OF_RANGE', `${what} exceeds 2^53 - 1`);
    return hi * 0x1_0000_0000 + lo;
  }
  // Copies into a plain Uint8Array: the input may be a Buffer (whose slice() aliases) or a
  // buffer the transport reuses; a decoded frame must own its bytes.
  fixed(n: number, what: string): Uint8Array { return copy(this.take(n, what)); }
  bytes(max: number, what: string): Uint8Array {
    const len = this.u16(what);
    if (len > max) fail('TOO_LARGE', `${what} is ${len} bytes, at most ${max}`);
    return copy(this.take(len, what));
  }
  str(maxBytes: number, what: string): string {
    const len = this.u16(what);
    if (len > maxBytes) fail('TOO_LARGE', `${what} is ${len} bytes, at most ${maxBytes}`);
    // Strict: invalid UTF-8 is BAD_ENCODING (never U+FFFD) and a leading BOM is kept, so
    // decoding drops no bytes and each text has one encoding.
    return utf8Decode(this.take(len, what), what);
  }
  end(): void {
    if (this.offset !== this.buf.length) fail('BAD_LENGTH', `${this.buf.length - this.offset} bytes after the frame`);
  }
}

// --- field rules, shared by encoder and decoder so both accept exactly the same frames ---
// (exported for src/protocol/group-frames.ts, whose session payloads follow the same rules)

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function utf8Of(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string') fail('BAD_ENCODING', `${what} must be a string`);
  const bytes = utf8Encoder.encode(s);
  // TextEncoder turns a lone surrogate into U+FFFD; that string would not survive the trip.
  if (utf8Decode(bytes, what) !== s) fail('BAD_ENCODING', `${what} is not well-formed Unicode`);
  return bytes;
}

export function checkShortText(s: string, maxChars: number, what: string): void {
  if (codePoints(s) > maxChars) fail('TOO_LARGE', `${what} is longer than ${maxChars} characters`);
  if (SHORT_TEXT_FORBIDDEN.test(s)) fail('BAD_ENCODING', `${what} contains control characters`);
}

export function checkBody(s: string): void {
  if (s.length === 0) fail('OUT_OF_RANGE', 'message body is empty');
  if (BODY_FORBIDDEN.test(s)) fail('BAD_ENCODING', 'message body contains control characters');
}

function checkCapabilities(caps: readonly string[]): void {
  if (caps.length > MAX_CAPABILITIES) fail('TOO_LARGE', `more than ${MAX_CAPABILITIES} capabilities`);
  const seen = new Set<string>();
  for (const cap of caps) {
    if (cap.length > MAX_CAPABILITY_BYTES || !CAPABILITY_PATTERN.test(cap)) {
      fail('BAD_ENCODING', `capability ${JSON.stringify(cap.slice(0, 40))} is not [a-z0-9.-]{1,${MAX_CAPABILITY_BYTES}}`);
    }
    if (seen.has(cap)) fail('BAD_ENCODING', `capability ${cap} listed twice`);
    seen.add(cap);
  }
}

function checkVersionRange(min: number, max: number): void {
  if (min < 1 || min > max) fail('OUT_OF_RANGE', `version range ${min}..${max} is empty or starts at 0`);
}

export function checkId(id: unknown, what: string): Uint8Array {
  if (!(id instanceof Uint8Array) || id.length !== FRAME_ID_BYTES) fail('BAD_LENGTH', `${what} must be ${FRAME_ID_BYTES} bytes`);
  return id;
}

export function checkInt(v: unknown, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail('OUT_OF_RANGE', `${what} must be an integer in 0..${max}`);
  return v;
}

function enumIndex<T extends string>(values: readonly T[], v: unknown, what: string): number {
  const i = values.indexOf(v as T);
  if (i < 0) fail('OUT_OF_RANGE', `${what} ${JSON.stringify(v)} is not one of ${values.join(', ')}`);
  return i;
}

function enumValue<T extends string>(values: readonly T[], code: number, base: number, what: string): T {
  const v = values[code - base];
  if (v === undefined) fail('OUT_OF_RANGE', `${what} code ${code} is unknown`);
  return v;
}

/** Encodes a frame; throws ProtocolError when the frame breaks any rule the decoder enforces. */
export function encodeFrame(frame: Frame): Uint8Array {
  if (typeof frame !== 'object' || frame === null) fail('BAD_ENCODING', 'frame must be an object');
  const type = (frame as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(TYPE_CODES, type)) fail('BAD_TYPE', `unknown frame type ${JSON.stringify(type)}`);
  const w = new FrameWriter();
  w.u8(FRAME_VERSION);
  w.u8(TYPE_CODES[frame.type]);
  switch (frame.type) {
    case 'hello': {
      checkInt(frame.minVersion, 0xff, 'minVersion');
      checkInt(frame.maxVersion, 0xff, 'maxVersion');
      checkVersionRange(frame.minVersion, frame.maxVersion);
      if (!Array.isArray(frame.capabilities)) fail('BAD_ENCODING', 'capabilities must be an array');
      for (const cap of frame.capabilities) if (typeof cap !== 'string') fail('BAD_ENCODING', 'capabilities must be strings');
      checkCapabilities(frame.capabilities);
      const name = utf8Of(frame.displayName, 'displayName');
      checkShortText(frame.displayName, MAX_DISPLAY_NAME_CHARS, 'displayName');
      w.u8(frame.minVersion);
      w.u8(frame.maxVersion);
      w.u8(frame.capabilities.length);
      for (const cap of frame.capabilities) w.bytes(utf8Encoder.encode(cap));
      w.bytes(name);
      break;
    }
    case 'presence': {
      const state = enumIndex(PRESENCE_STATES, frame.state, 'presence state');
      const text = utf8Of(frame.text, 'presence text');
      checkShortText(frame.text, MAX_PRESENCE_TEXT_CHARS, 'presence text');
      w.u8(state + ENUM_BASE);
      w.bytes(text);
      break;
    }
    case 'message': {
      const id = checkId(frame.id, 'message id');
      const conversation = checkId(frame.conversationId, 'conversation id');
      checkInt(frame.sentAt, Number.MAX_SAFE_INTEGER, 'sentAt');
      const body = utf8Of(frame.body, 'message body');
      if (body.length > MAX_MESSAGE_BODY_BYTES) fail('TOO_LARGE', `message body is ${body.length} bytes, at most ${MAX_MESSAGE_BODY_BYTES}`);
      checkBody(frame.body);
      w.raw(id);
      w.raw(conversation);
      w.u64(frame.sentAt);
      w.bytes(body);
      break;
    }
    case 'ack':
      w.raw(checkId(frame.messageId, 'message id'));
      break;
    case 'receipt': {
      const id = checkId(frame.messageId, 'message id');
      const kind = enumIndex(RECEIPT_KINDS, frame.kind, 'receipt kind');
      checkInt(frame.at, Number.MAX_SAFE_INTEGER, 'receipt time');
      w.raw(id);
      w.u8(kind + ENUM_BASE);
      w.u64(frame.at);
      break;
    }
    case 'typing':
      w.raw(checkId(frame.conversationId, 'conversation id'));
      if (typeof frame.active !== 'boolean') fail('BAD_ENCODING', 'typing.active must be a boolean');
      w.u8(frame.active ? 1 : 0);
      break;
    case 'session': {
      const kind = enumIndex(SESSION_KINDS, frame.kind, 'session kind');
      if (!(frame.payload instanceof Uint8Array)) fail('BAD_ENCODING', 'session payload must be bytes');
      if (frame.payload.length > MAX_SESSION_PAYLOAD_BYTES) fail('TOO_LARGE', `session payload is ${frame.payload.length} bytes, at most ${MAX_SESSION_PAYLOAD_BYTES}`);
      w.u8(kind + ENUM_BASE);
      w.bytes(frame.payload);
      break;
    }
    case 'ping':
    case 'pong':
      w.u32(checkInt(frame.nonce, 0xffff_ffff, 'nonce'));
      break;
    case 'bye':
      w.u8(enumIndex(BYE_REASONS, frame.reason, 'bye reason') + ENUM_BASE);
      break;
  }
  const out = w.finish();
  if (out.length > MAX_FRAME_SIZE) fail('TOO_LARGE', `frame is ${out.length} bytes, at most ${MAX_FRAME_SIZE}`);
  return out;
}

/** Decodes exactly one frame occupying all of `bytes`; anything else throws ProtocolError. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (!(bytes instanceof Uint8Array)) fail('BAD_ENCODING', 'frame must be bytes');
  if (bytes.length > MAX_FRAME_SIZE) fail('TOO_LARGE', `frame is ${bytes.length} bytes, at most ${MAX_FRAME_SIZE}`);
  const r = new FrameReader(bytes);
  const version = r.u8('version');
  if (version !== FRAME_VERSION) fail('BAD_VERSION', `frame version ${version} is not ${FRAME_VERSION}`);
  const code = r.u8('type');
  let frame: Frame;
  switch (code) {
    case TYPE_CODES.hello: {
      const minVersion = r.u8('minVersion');
      const maxVersion = r.u8('maxVersion');
      checkVersionRange(minVersion, maxVersion);
      const count = r.u8('capability count');
      if (count > MAX_CAPABILITIES) fail('TOO_LARGE', `${count} capabilities, at most ${MAX_CAPABILITIES}`);
      const capabilities: string[] = [];
      for (let i = 0; i < count; i++) capabilities.push(r.str(MAX_CAPABILITY_BYTES, 'capability'));
      checkCapabilities(capabilities);
      const displayName = r.str(MAX_DISPLAY_NAME_CHARS * 4, 'displayName');
      checkShortText(displayName, MAX_DISPLAY_NAME_CHARS, 'displayName');
      frame = { type: 'hello', minVersion, maxVersion, capabilities, displayName };
      break;
    }
    case TYPE_CODES.presence: {
      const state = enumValue(PRESENCE_STATES, r.u8('presence state'), ENUM_BASE, 'presence state');
      const text = r.str(MAX_PRESENCE_TEXT_CHARS * 4, 'presence text');
      checkShortText(text, MAX_PRESENCE_TEXT_CHARS, 'presence text');
      frame = { type: 'presence', state, text };
      break;
    }
    case TYPE_CODES.message: {
      const id = r.fixed(FRAME_ID_BYTES, 'message id');
      const conversationId = r.fixed(FRAME_ID_BYTES, 'conversation id');
      const sentAt = r.u64('sentAt');
      const body = r.str(MAX_MESSAGE_BODY_BYTES, 'message body');
      checkBody(body);
      frame = { type: 'message', id, conversationId, sentAt, body };
      break;
    }
    case TYPE_CODES.ack:
      frame = { type: 'ack', messageId: r.fixed(FRAME_ID_BYTES, 'message id') };
      break;
    case TYPE_CODES.receipt: {
      const messageId = r.fixed(FRAME_ID_BYTES, 'message id');
      const kind = enumValue(RECEIPT_KINDS, r.u8('receipt kind'), ENUM_BASE, 'receipt kind');
      const at = r.u64('receipt time');
      frame = { type: 'receipt', messageId, kind, at };
      break;
    }
    case TYPE_CODES.typing: {
      const conversationId = r.fixed(FRAME_ID_BYTES, 'conversation id');
      const active = r.u8('typing.active');
      if (active > 1) fail('OUT_OF_RANGE', `typing.active is ${active}, not 0 or 1`);
      frame = { type: 'typing', conversationId, active: active === 1 };
      break;
    }
    case TYPE_CODES.session: {
      const kind = enumValue(SESSION_KINDS, r.u8('session kind'), ENUM_BASE, 'session kind');
      const payload = r.bytes(MAX_SESSION_PAYLOAD_BYTES, 'session payload');
      frame = { type: 'session', kind, payload };
      break;
    }
    case TYPE_CODES.ping:
      frame = { type: 'ping', nonce: r.u32('nonce') };
      break;
    case TYPE_CODES.pong:
      frame = { type: 'pong', nonce: r.u32('nonce') };
      break;
    case TYPE_CODES.bye:
      frame = { type: 'bye', reason: enumValue(BYE_REASONS, r.u8('bye reason'), ENUM_BASE, 'bye reason') };
      break;
    default:
      return fail('BAD_TYPE', `unknown frame type 0x${code.toString(16).padStart(2, '0')}`);
  }
  r.end();
  return frame;
}
