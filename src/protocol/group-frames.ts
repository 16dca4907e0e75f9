// Multi-party session frames (docs/PROTOCOL.md "Multi-party sessions"). They ride in the link's
// existing `session` frame (type 0x07), so links, vectors and decoders of link frame version 1 stay
// as they are: the link frame's kind says the class, the payload is this codec:
//
//   payload = version u8 (= 1) || type u8 || sessionId id16 || fields     integers big-endian
//
// Class (link kind) per type: invite -> invite, join -> accept, reject -> decline,
// leave -> leave, every in-session frame -> ticket. A payload under another kind is refused, so one
// frame has one encoding. The pairing protocol's own uses of those kinds carry an empty or 1-byte
// payload (docs/PROTOCOL.md "Link frames"); a group payload is never shorter than 18 bytes.
// Field rules and the reader/writer are the link frame codec's (src/protocol/frames.ts).
import { equalBytes } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import {
  FRAME_ID_BYTES, FrameReader, FrameWriter, MAX_DISPLAY_NAME_CHARS, MAX_SESSION_PAYLOAD_BYTES,
  checkBody, checkId, checkInt, checkShortText, utf8Of,
  type SessionControlKind, type SessionFrame,
} from './frames.ts';
import { SESSION_TICKET_BYTES, decodeSessionTicket, encodeSessionTicket, type SessionTicket } from './group-ticket.ts';

export const GROUP_FRAME_VERSION = 1;
/** A session holds at most this many members (the member list must fit one session payload). */
export const MAX_GROUP_MEMBERS = 32;
/** Leaves room in one session payload for the 52-byte header (version, type, session id, message id, lamport, sentAt, length). */
export const MAX_GROUP_BODY_BYTES = MAX_SESSION_PAYLOAD_BYTES - 64;
const KEY_BYTES = 32;
const U32_MAX = 0xffff_ffff;

/** A member's session-scoped onion endpoint: the ed25519 onion service key and its virtual port. */
export interface SessionEndpoint { onionKey: Uint8Array; port: number }
/** A member as an invitee sees it: identity and the session client-auth key its endpoint clients use. */
export interface InviteMember { member: Uint8Array; clientAuthKey: Uint8Array }
export interface MemberEntry extends InviteMember { endpoint: SessionEndpoint | null }

interface Base { sessionId: Uint8Array }
export interface GroupMessageFrame extends Base {
  type: 'message';
  id: Uint8Array;
  /** Lamport time: one more than the highest the sender had seen (docs/PROTOCOL.md, order rule). */
  lamport: number;
  sentAt: number;
  body: string;
}
/**
 * Token holder -> invitee: the session's title and current members, so consent is informed; their
 * client-auth keys let a joining invitee open an endpoint only they can reach.
 */
export interface GroupInviteFrame extends Base { type: 'invite'; title: string; members: InviteMember[] }
export interface GroupJoinFrame extends Base { type: 'join'; clientAuthKey: Uint8Array; endpoint: SessionEndpoint | null }
export interface GroupRejectFrame extends Base { type: 'reject' }
/** Inviter -> newcomer on join: everything it needs to reach every member, and its ticket. */
export interface GroupMembersFrame extends Base {
  type: 'members';
  coordinator: Uint8Array;
  epoch: number;
  lamport: number;
  ticket: SessionTicket;
  members: MemberEntry[];
}
/**
 * Issuer -> members (announce, with the newcomer's session endpoint, so members that are not its
 * contacts dial it) or newcomer -> member (present; endpoint none).
 */
export interface GroupTicketFrame extends Base { type: 'ticket'; ticket: SessionTicket; endpoint: SessionEndpoint | null }
/** Member -> newcomer: the presented ticket was accepted. */
export interface GroupAdmitFrame extends Base { type: 'admit'; epoch: number }
/** Newcomer -> coordinator: connected to every member; the token is free again. */
export interface GroupCompleteFrame extends Base { type: 'complete'; epoch: number }
export interface GroupTokenRequestFrame extends Base { type: 'token-request'; seq: number }
export interface GroupTokenGrantFrame extends Base { type: 'token-grant'; seq: number; epoch: number }
/** Answer of a member that is not (or no longer) the coordinator: ask `coordinator` instead. */
export interface GroupTokenRedirectFrame extends Base { type: 'token-redirect'; seq: number; coordinator: Uint8Array }
/** Holder -> coordinator: the invitation ended without a join (rejected or unanswered). */
export interface GroupTokenReleaseFrame extends Base { type: 'token-release'; epoch: number }
/** A leaving coordinator names its successor and hands over who holds the token. */
export interface GroupLeaveFrame extends Base {
  type: 'leave';
  successor: Uint8Array | null;
  tokenHolder: Uint8Array | null;
  epoch: number;
}

/**
 * Member -> the members its session endpoint serves: the endpoint was re-created at a new address
 * without the client-auth key of a member that left (none: closed, nobody left to serve).
 */
export interface GroupEndpointFrame extends Base { type: 'endpoint'; endpoint: SessionEndpoint | null }

export type GroupFrame =
  | GroupMessageFrame | GroupInviteFrame | GroupJoinFrame | GroupRejectFrame | GroupMembersFrame
  | GroupTicketFrame | GroupAdmitFrame | GroupCompleteFrame | GroupTokenRequestFrame
  | GroupTokenGrantFrame | GroupTokenRedirectFrame | GroupTokenReleaseFrame | GroupLeaveFrame | GroupEndpointFrame;
export type GroupFrameType = GroupFrame['type'];

// Codes are append-only (a new type takes the next free code).
const TYPE_CODES = {
  message: 0x01, invite: 0x02, join: 0x03, reject: 0x04, members: 0x05, ticket: 0x06, admit: 0x07,
  complete: 0x08, 'token-request': 0x09, 'token-grant': 0x0a, 'token-redirect': 0x0b,
  'token-release': 0x0c, leave: 0x0d,
  // 0x0e stays unassigned: the vectors (group-frames.json) use it as the unknown type.
  endpoint: 0x0f,
} as const satisfies Record<GroupFrameType, number>;
const TYPES_BY_CODE = new Map<number, GroupFrameType>(
  Object.entries(TYPE_CODES).map(([type, code]) => [code, type as GroupFrameType]),
);

/** version + type + session id: the shortest group payload. */
export const GROUP_HEADER_BYTES = 2 + FRAME_ID_BYTES;

/**
 * Whether a link `session` frame carries a group frame rather than the pairing protocol's own
 * accept/decline/leave (0 or 1 payload bytes, docs/PROTOCOL.md "Link frames").
 */
export function isGroupPayload(frame: SessionFrame): boolean {
  return frame.payload.length >= GROUP_HEADER_BYTES;
}

/** The link `session` kind that carries each group frame type. */
export function groupFrameKind(type: GroupFrameType): SessionControlKind {
  switch (type) {
    case 'invite': return 'invite';
    case 'join': return 'accept';
    case 'reject': return 'decline';
    case 'leave': return 'leave';
    default: return 'ticket';
  }
}

function fail(code: 'BAD_ENCODING' | 'BAD_TYPE' | 'BAD_KEY' | 'TOO_LARGE' | 'OUT_OF_RANGE', message: string): never {
  throw new ProtocolError(code, message);
}

function checkKey(key: unknown, what: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw ProtocolError.BAD_LENGTH(what, KEY_BYTES);
  return key;
}

function writeOptionalKey(w: FrameWriter, key: Uint8Array | null, what: string): void {
  if (key === null) { w.u8(0); return; }
  w.u8(1);
  w.raw(checkKey(key, what));
}

function readOptionalKey(r: FrameReader, what: string): Uint8Array | null {
  const flag = r.u8(what);
  if (flag > 1) fail('OUT_OF_RANGE', `${what} flag is ${flag}, not 0 or 1`);
  return flag === 1 ? r.fixed(KEY_BYTES, what) : null;
}

function writeEndpoint(w: FrameWriter, endpoint: SessionEndpoint | null): void {
  if (endpoint === null) { w.u8(0); return; }
  w.u8(1);
  w.raw(checkKey(endpoint.onionKey, 'endpoint onion key'));
  // Port 0 is never a service port; refusing it keeps "no endpoint" one encoding (flag 0).
  const port = checkInt(endpoint.port, 0xffff, 'endpoint port');
  if (port === 0) fail('OUT_OF_RANGE', 'endpoint port 0');
  w.u16(port);
}

function readEndpoint(r: FrameReader): SessionEndpoint | null {
  const flag = r.u8('endpoint flag');
  if (flag > 1) fail('OUT_OF_RANGE', `endpoint flag is ${flag}, not 0 or 1`);
  if (flag === 0) return null;
  const onionKey = r.fixed(KEY_BYTES, 'endpoint onion key');
  const port = r.u16('endpoint port');
  if (port === 0) fail('OUT_OF_RANGE', 'endpoint port 0');
  return { onionKey, port };
}

/** Member keys: 1..MAX_GROUP_MEMBERS, no key twice (a duplicate would count one member twice). */
function checkMemberKeys(keys: readonly Uint8Array[], what: string): void {
  if (keys.length === 0 || keys.length > MAX_GROUP_MEMBERS) fail('OUT_OF_RANGE', `${what}: ${keys.length} members, 1..${MAX_GROUP_MEMBERS}`);
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) if (equalBytes(keys[i]!, keys[j]!)) fail('BAD_KEY', `${what}: a member is listed twice`);
  }
}

function writeTicket(w: FrameWriter, ticket: SessionTicket, sessionId: Uint8Array): void {
  if (typeof ticket !== 'object' || ticket === null) fail('BAD_ENCODING', 'ticket must be an object');
  if (!equalBytes(ticket.sessionId, sessionId)) fail('BAD_KEY', 'ticket names another session');
  w.raw(encodeSessionTicket(ticket));
}

function readTicket(r: FrameReader, sessionId: Uint8Array): SessionTicket {
  const ticket = decodeSessionTicket(r.fixed(SESSION_TICKET_BYTES, 'session ticket'));
  if (!equalBytes(ticket.sessionId, sessionId)) fail('BAD_KEY', 'ticket names another session');
  return ticket;
}

function encodePayload(frame: GroupFrame): Uint8Array {
  if (typeof frame !== 'object' || frame === null) fail('BAD_ENCODING', 'group frame must be an object');
  const type = (frame as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(TYPE_CODES, type)) fail('BAD_TYPE', `unknown group frame type ${JSON.stringify(type)}`);
  const w = new FrameWriter();
  w.u8(GROUP_FRAME_VERSION);
  w.u8(TYPE_CODES[frame.type]);
  const sessionId = checkId(frame.sessionId, 'session id');
  w.raw(sessionId);
  switch (frame.type) {
    case 'message': {
      w.raw(checkId(frame.id, 'message id'));
      w.u64(checkInt(frame.lamport, Number.MAX_SAFE_INTEGER, 'lamport'));
      w.u64(checkInt(frame.sentAt, Number.MAX_SAFE_INTEGER, 'sentAt'));
      const body = utf8Of(frame.body, 'message body');
      if (body.length > MAX_GROUP_BODY_BYTES) fail('TOO_LARGE', `session message body is ${body.length} bytes, at most ${MAX_GROUP_BODY_BYTES}`);
      checkBody(frame.body);
      w.bytes(body);
      break;
    }
    case 'invite': {
      const title = utf8Of(frame.title, 'session title');
      checkShortText(frame.title, MAX_DISPLAY_NAME_CHARS, 'session title');
      if (!Array.isArray(frame.members)) fail('BAD_ENCODING', 'invite members must be an array');
      checkMemberKeys(frame.members.map((m) => checkKey(m.member, 'invite member')), 'invite');
      w.bytes(title);
      w.u8(frame.members.length);
      for (const m of frame.members) {
        w.raw(m.member);
        w.raw(checkKey(m.clientAuthKey, 'member client-auth key'));
      }
      break;
    }
    case 'join':
      w.raw(checkKey(frame.clientAuthKey, 'join client-auth key'));
      writeEndpoint(w, frame.endpoint);
      break;
    case 'reject':
      break;
    case 'members': {
      w.raw(checkKey(frame.coordinator, 'coordinator'));
      w.u32(checkInt(frame.epoch, U32_MAX, 'epoch'));
      w.u64(checkInt(frame.lamport, Number.MAX_SAFE_INTEGER, 'lamport'));
      writeTicket(w, frame.ticket, sessionId);
      if (!Array.isArray(frame.members)) fail('BAD_ENCODING', 'member list must be an array');
      const keys = frame.members.map((e) => checkKey(e.member, 'member'));
      checkMemberKeys(keys, 'member list');
      checkMembersList(frame.coordinator, frame.ticket, keys);
      w.u8(frame.members.length);
      for (const e of frame.members) {
        w.raw(e.member);
        w.raw(checkKey(e.clientAuthKey, 'member client-auth key'));
        writeEndpoint(w, e.endpoint);
      }
      break;
    }
    case 'ticket':
      writeTicket(w, frame.ticket, sessionId);
      writeEndpoint(w, frame.endpoint);
      break;
    case 'endpoint':
      writeEndpoint(w, frame.endpoint);
      break;
    case 'admit':
    case 'complete':
    case 'token-release':
      w.u32(checkInt(frame.epoch, U32_MAX, 'epoch'));
      break;
    case 'token-request':
      w.u32(checkInt(frame.seq, U32_MAX, 'seq'));
      break;
    case 'token-grant':
      w.u32(checkInt(frame.seq, U32_MAX, 'seq'));
      w.u32(checkInt(frame.epoch, U32_MAX, 'epoch'));
      break;
    case 'token-redirect':
      w.u32(checkInt(frame.seq, U32_MAX, 'seq'));
      w.raw(checkKey(frame.coordinator, 'coordinator'));
      break;
    case 'leave':
      if (frame.successor === null && frame.tokenHolder !== null) fail('OUT_OF_RANGE', 'only a leaving coordinator (who names a successor) hands over the token holder');
      writeOptionalKey(w, frame.successor, 'successor');
      writeOptionalKey(w, frame.tokenHolder, 'token holder');
      w.u32(checkInt(frame.epoch, U32_MAX, 'epoch'));
      break;
  }
  const out = w.finish();
  if (out.length > MAX_SESSION_PAYLOAD_BYTES) fail('TOO_LARGE', `group frame is ${out.length} bytes, at most ${MAX_SESSION_PAYLOAD_BYTES}`);
  return out;
}

/** The hand-over must name the coordinator and the ticket's issuer among the members, and not the newcomer. */
function checkMembersList(coordinator: Uint8Array, ticket: SessionTicket, keys: readonly Uint8Array[]): void {
  const has = (k: Uint8Array): boolean => keys.some((m) => equalBytes(m, k));
  if (!has(coordinator)) fail('BAD_KEY', 'member list: the coordinator is not a member');
  if (!has(ticket.issuer)) fail('BAD_KEY', 'member list: the ticket issuer is not a member');
  if (has(ticket.member)) fail('BAD_KEY', 'member list: the newcomer is already listed');
}

/** Encodes a group frame as the link `session` frame that carries it; throws ProtocolError on any rule the decoder enforces. */
export function encodeGroupFrame(frame: GroupFrame): SessionFrame {
  const payload = encodePayload(frame);
  return { type: 'session', kind: groupFrameKind(frame.type), payload };
}

/** Decodes the group frame in a link `session` frame; anything malformed (or under the wrong kind) throws ProtocolError. */
export function decodeGroupFrame(frame: SessionFrame): GroupFrame {
  const r = new FrameReader(frame.payload);
  const version = r.u8('group frame version');
  if (version !== GROUP_FRAME_VERSION) throw ProtocolError.BAD_VERSION('group frame', version);
  const code = r.u8('group frame type');
  const type = TYPES_BY_CODE.get(code);
  if (type === undefined) fail('BAD_TYPE', `unknown group frame type 0x${code.toString(16).padStart(2, '0')}`);
  if (groupFrameKind(type) !== frame.kind) fail('BAD_TYPE', `group frame ${type} under session kind ${frame.kind}`);
  const sessionId = r.fixed(FRAME_ID_BYTES, 'session id');
  let out: GroupFrame;
  switch (type) {
    case 'message': {
      const id = r.fixed(FRAME_ID_BYTES, 'message id');
      const lamport = r.u64('lamport');
      const sentAt = r.u64('sentAt');
      const body = r.str(MAX_GROUP_BODY_BYTES, 'message body');
      checkBody(body);
      out = { type, sessionId, id, lamport, sentAt, body };
      break;
    }
    case 'invite': {
      const title = r.str(MAX_DISPLAY_NAME_CHARS * 4, 'session title');
      checkShortText(title, MAX_DISPLAY_NAME_CHARS, 'session title');
      const count = r.u8('member count');
      const members: InviteMember[] = [];
      for (let i = 0; i < count; i++) members.push({ member: r.fixed(KEY_BYTES, 'invite member'), clientAuthKey: r.fixed(KEY_BYTES, 'member client-auth key') });
      checkMemberKeys(members.map((m) => m.member), 'invite');
      out = { type, sessionId, title, members };
      break;
    }
    case 'join': {
      const clientAuthKey = r.fixed(KEY_BYTES, 'join client-auth key');
      out = { type, sessionId, clientAuthKey, endpoint: readEndpoint(r) };
      break;
    }
    case 'reject':
      out = { type, sessionId };
      break;
    case 'members': {
      const coordinator = r.fixed(KEY_BYTES, 'coordinator');
      const epoch = r.u32('epoch');
      const lamport = r.u64('lamport');
      const ticket = readTicket(r, sessionId);
      const count = r.u8('member count');
      const members: MemberEntry[] = [];
      for (let i = 0; i < count; i++) {
        members.push({ member: r.fixed(KEY_BYTES, 'member'), clientAuthKey: r.fixed(KEY_BYTES, 'member client-auth key'), endpoint: readEndpoint(r) });
      }
      const keys = members.map((e) => e.member);
      checkMemberKeys(keys, 'member list');
      checkMembersList(coordinator, ticket, keys);
      out = { type, sessionId, coordinator, epoch, lamport, ticket, members };
      break;
    }
    case 'ticket':
      out = { type, sessionId, ticket: readTicket(r, sessionId), endpoint: readEndpoint(r) };
      break;
    case 'endpoint':
      out = { type, sessionId, endpoint: readEndpoint(r) };
      break;
    case 'admit':
    case 'complete':
    case 'token-release':
      out = { type, sessionId, epoch: r.u32('epoch') };
      break;
    case 'token-request':
      out = { type, sessionId, seq: r.u32('seq') };
      break;
    case 'token-grant':
      out = { type, sessionId, seq: r.u32('seq'), epoch: r.u32('epoch') };
      break;
    case 'token-redirect':
      out = { type, sessionId, seq: r.u32('seq'), coordinator: r.fixed(KEY_BYTES, 'coordinator') };
      break;
    case 'leave': {
      const successor = readOptionalKey(r, 'successor');
      const tokenHolder = readOptionalKey(r, 'token holder');
      if (successor === null && tokenHolder !== null) fail('OUT_OF_RANGE', 'a token holder without a successor');
      out = { type, sessionId, successor, tokenHolder, epoch: r.u32('epoch') };
      break;
    }
  }
  r.end();
  return out;
}
