// Session tickets (docs/PROTOCOL.md "Multi-party sessions"): the inviting member signs that a new
// member may join one session; the newcomer shows the ticket to every member it connects to, and
// each member verifies it before admitting the newcomer. Fixed 181 bytes:
//
//   ticket = version u8 (= 1) || sessionId id16 || member 32 || issuer 32 || clientAuthKey 32
//            || epoch u32be || signature 64 (ed25519 by issuer over LABEL || the 117 bytes before it)
//
// The ticket names the member's identity, so a copy shown over a link authenticated as anyone
// else is refused (WRONG_RECIPIENT); the label keeps the signature from meaning anything outside
// session tickets. clientAuthKey is the newcomer's session-scoped onion client-auth key, which
// every member authorizes on its session endpoint (docs/THREAT-MODEL.md "Multi-party sessions").
import { concatBytes, equalBytes, expectBytes, toHex } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { FRAME_ID_BYTES, FrameReader, FrameWriter, checkInt } from './frames.ts';
import { label } from './hash.ts';
import type { Identity } from './identity.ts';
import { sodium } from './sodium.ts';

export const SESSION_TICKET_VERSION = 1;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const SIGNED_BYTES = 1 + FRAME_ID_BYTES + 3 * KEY_BYTES + 4;
export const SESSION_TICKET_BYTES = SIGNED_BYTES + SIGNATURE_BYTES;
const TICKET_LABEL = label('sotto/session-ticket/v1');

export interface SessionTicket {
  readonly sessionId: Uint8Array;
  /** Identity public key of the member the ticket admits. */
  readonly member: Uint8Array;
  /** Identity public key of the inviting member who signed it. */
  readonly issuer: Uint8Array;
  /** x25519 public key the member's onion client authenticates with on members' session endpoints. */
  readonly clientAuthKey: Uint8Array;
  /** Token grant number the invitation ran under (a departed member needs a later one to return). */
  readonly epoch: number;
  readonly signature: Uint8Array;
}

export interface IssueSessionTicketInput {
  sessionId: Uint8Array;
  member: Uint8Array;
  issuer: Identity;
  clientAuthKey: Uint8Array;
  epoch: number;
}

function signedPart(sessionId: Uint8Array, member: Uint8Array, issuer: Uint8Array, clientAuthKey: Uint8Array, epoch: number): Uint8Array {
  const w = new FrameWriter();
  w.u8(SESSION_TICKET_VERSION);
  w.raw(expectBytes(sessionId, FRAME_ID_BYTES, 'session id'));
  w.raw(expectBytes(member, KEY_BYTES, 'ticket member'));
  w.raw(expectBytes(issuer, KEY_BYTES, 'ticket issuer'));
  w.raw(expectBytes(clientAuthKey, KEY_BYTES, 'ticket client-auth key'));
  w.u32(checkInt(epoch, 0xffff_ffff, 'ticket epoch'));
  return w.finish();
}

export function issueSessionTicket(input: IssueSessionTicketInput): SessionTicket {
  const { sessionId, member, issuer, clientAuthKey, epoch } = input;
  if (equalBytes(member, issuer.publicKey)) throw ProtocolError.BAD_KEY('session ticket (a member cannot invite itself)');
  const signed = signedPart(sessionId, member, issuer.publicKey, clientAuthKey, epoch);
  const signature = sodium().crypto_sign_detached(concatBytes(TICKET_LABEL, signed), issuer.secretKey);
  return { sessionId: sessionId.slice(), member: member.slice(), issuer: issuer.publicKey.slice(), clientAuthKey: clientAuthKey.slice(), epoch, signature };
}

export function encodeSessionTicket(ticket: SessionTicket): Uint8Array {
  const signed = signedPart(ticket.sessionId, ticket.member, ticket.issuer, ticket.clientAuthKey, ticket.epoch);
  return concatBytes(signed, expectBytes(ticket.signature, SIGNATURE_BYTES, 'ticket signature'));
}

/** Strict: exact length, known version, and a signature by the named issuer (checked before any field is used). */
export function decodeSessionTicket(bytes: Uint8Array): SessionTicket {
  expectBytes(bytes, SESSION_TICKET_BYTES, 'session ticket');
  if (bytes[0] !== SESSION_TICKET_VERSION) throw ProtocolError.BAD_VERSION('session ticket', bytes[0]!);
  const r = new FrameReader(bytes);
  r.u8('ticket version');
  const sessionId = r.fixed(FRAME_ID_BYTES, 'session id');
  const member = r.fixed(KEY_BYTES, 'ticket member');
  const issuer = r.fixed(KEY_BYTES, 'ticket issuer');
  const clientAuthKey = r.fixed(KEY_BYTES, 'ticket client-auth key');
  const epoch = r.u32('ticket epoch');
  const signature = r.fixed(SIGNATURE_BYTES, 'ticket signature');
  r.end();
  if (!sodium().crypto_sign_verify_detached(signature, concatBytes(TICKET_LABEL, bytes.subarray(0, SIGNED_BYTES)), issuer)) {
    throw ProtocolError.BAD_SIGNATURE('session ticket');
  }
  if (equalBytes(member, issuer)) throw ProtocolError.BAD_KEY('session ticket (member and issuer are the same identity)');
  return { sessionId, member, issuer, clientAuthKey, epoch, signature };
}

export interface TicketCheck {
  sessionId: Uint8Array;
  /** Identity the link authenticated (Noise static key): who is showing the ticket. */
  presenter: Uint8Array;
  /** Hex identity keys of the session's current members, as this member sees them. */
  members: ReadonlySet<string>;
}

/**
 * What every member checks before admitting a newcomer (the signature was checked on decode):
 * the ticket is for this session, shown by the identity it names, and signed by a current member.
 */
export function checkSessionTicket(ticket: SessionTicket, check: TicketCheck): void {
  if (!equalBytes(ticket.sessionId, check.sessionId)) throw ProtocolError.WRONG_RECIPIENT('session ticket (another session)');
  if (!equalBytes(ticket.member, check.presenter)) throw ProtocolError.WRONG_RECIPIENT('session ticket (shown by another identity)');
  if (!check.members.has(toHex(ticket.issuer))) throw ProtocolError.WRONG_PUBLISHER('session ticket (issuer is not a member)');
}
