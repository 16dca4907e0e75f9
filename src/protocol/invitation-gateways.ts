// Registry gateways an inviter hands to the invitee inside a v2 invitation (docs/PROTOCOL.md
// "Invitations", v2). A gateway is an onion service and a port: its URL is always
// `http://<56 base32>.onion:<port>` (Tor encrypts and authenticates onion streams, so there is no
// https and no other host). On the wire one gateway is the 32-byte service key and a u16be port;
// the list is a count byte and at most MAX_INVITATION_GATEWAYS entries. The same parser checks
// what a person types into the settings (src/ipc/network.ts), so both accept exactly one language.
import { concatBytes, readU16be, u16be, u8 } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { onionAddressFromPublicKey, publicKeyFromOnionAddress } from './onion.ts';

/** Bounded so an invitation stays small enough for a QR code and a mail line. */
export const MAX_INVITATION_GATEWAYS = 4;
/** Service key (32) + port (2). */
export const INVITATION_GATEWAY_BYTES = 34;
/** The padded list of the sealed form: count + every slot. */
export const PADDED_GATEWAY_LIST_BYTES = 1 + MAX_INVITATION_GATEWAYS * INVITATION_GATEWAY_BYTES;
export const DEFAULT_GATEWAY_PORT = 80;
/** Longer input is not a gateway URL (56 + ".onion" + "http://" + ":65535/" is 75). */
export const MAX_GATEWAY_URL_CHARS = 200;

export interface InvitationGateway {
  /** "<56 base32 chars>.onion", lower case, checksum verified. */
  readonly onion: string;
  readonly port: number;
}

const URL_SHAPE = /^(?:http:\/\/)?([a-z2-7]{56})\.onion(?::(\d{1,5}))?\/?$/;

/**
 * Parses a gateway URL as a person types it: `http://` optional, `.onion` required, port optional
 * (80), one trailing slash allowed, surrounding spaces and letter case ignored. Rejects with
 * BAD_ENCODING (not an onion URL: https, a path, a clearnet host), BAD_LENGTH, BAD_CHECKSUM (a
 * typo in the address) or OUT_OF_RANGE (port 0 or above 65535).
 */
export function parseGatewayUrl(text: string): InvitationGateway {
  if (typeof text !== 'string' || text.length > MAX_GATEWAY_URL_CHARS) throw ProtocolError.BAD_ENCODING('gateway URL');
  const lower = text.trim().toLowerCase();
  const match = URL_SHAPE.exec(lower);
  if (!match) {
    const host = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/:]*)/.exec(lower)?.[1] ?? '';
    if (host.endsWith('.onion') && host.length !== 56 + '.onion'.length) throw ProtocolError.BAD_LENGTH('gateway onion address', 56, host.length - '.onion'.length);
    throw ProtocolError.BAD_ENCODING('gateway URL (expected http://<56 characters>.onion[:port])');
  }
  const port = match[2] === undefined ? DEFAULT_GATEWAY_PORT : Number(match[2]);
  if (port < 1 || port > 65535) throw ProtocolError.OUT_OF_RANGE('gateway port');
  const address = `${match[1]!}.onion`;
  publicKeyFromOnionAddress(address);
  return { onion: address, port };
}

/** The one spelling of a gateway's URL: `http://<onion>:<port>`. */
export function gatewayUrl(gateway: InvitationGateway): string {
  return `http://${gateway.onion}:${gateway.port}`;
}

function checkList(gateways: readonly InvitationGateway[]): void {
  if (!Array.isArray(gateways)) throw ProtocolError.BAD_ENCODING('gateway list');
  if (gateways.length > MAX_INVITATION_GATEWAYS) throw ProtocolError.TOO_LARGE('gateway list (entries)', MAX_INVITATION_GATEWAYS);
  const seen = new Set<string>();
  for (const g of gateways) {
    const url = gatewayUrl(parseGatewayUrl(gatewayUrl(g)));
    if (seen.has(url)) throw ProtocolError.BAD_ENCODING(`gateway list (${url} twice)`);
    seen.add(url);
  }
}

/** count u8 || (key(32) || port u16be) per gateway, then zero slots up to the maximum when `padded`. */
export function encodeGatewayList(gateways: readonly InvitationGateway[], padded: boolean): Uint8Array {
  checkList(gateways);
  const entries = gateways.map((g) => concatBytes(publicKeyFromOnionAddress(g.onion), u16be(g.port, 'gateway port')));
  const padding = padded ? new Uint8Array((MAX_INVITATION_GATEWAYS - gateways.length) * INVITATION_GATEWAY_BYTES) : new Uint8Array(0);
  return concatBytes(u8(gateways.length), ...entries, padding);
}

/** Size of the list starting at `offset` (unpadded form), from its count byte. */
export function gatewayListBytes(bytes: Uint8Array, offset: number): number {
  if (offset >= bytes.length) throw ProtocolError.BAD_LENGTH('gateway list');
  const count = bytes[offset]!;
  if (count > MAX_INVITATION_GATEWAYS) throw ProtocolError.OUT_OF_RANGE('gateway count');
  return 1 + count * INVITATION_GATEWAY_BYTES;
}

/** Strict: count in range, non-zero ports, no duplicates, zero padding when `padded`. */
export function decodeGatewayList(bytes: Uint8Array, padded: boolean): InvitationGateway[] {
  const used = gatewayListBytes(bytes, 0);
  const expected = padded ? PADDED_GATEWAY_LIST_BYTES : used;
  if (bytes.length !== expected) throw ProtocolError.BAD_LENGTH('gateway list', expected, bytes.length);
  if (bytes.subarray(used).some((b) => b !== 0)) throw ProtocolError.BAD_ENCODING('gateway list padding');
  const gateways: InvitationGateway[] = [];
  for (let at = 1; at < used; at += INVITATION_GATEWAY_BYTES) {
    const port = readU16be(bytes, at + 32);
    if (port === 0) throw ProtocolError.OUT_OF_RANGE('gateway port');
    gateways.push({ onion: onionAddressFromPublicKey(bytes.slice(at, at + 32)), port });
  }
  checkList(gateways);
  return gateways;
}
