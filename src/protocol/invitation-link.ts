// The invitation link `sotto://invite/v<version>#<base64url of the invitation bytes>` (DESIGN D3;
// v1 and v2 both read, the path's version must equal the bytes' version byte).
// The bytes go after '#' so that, opened in a browser or logged by a mail gateway's URL
// scanner, they are never sent to any server. The same text is what a QR code holds.
import { fromBase64Url, toBase64Url } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { decodeInvitationBytes, encodeInvitationBytes, type Invitation, INVITATION_VERSIONS } from './invitation.ts';

export const INVITATION_LINK_PREFIX = 'sotto://invite/';

export function encodeInvitation(invitation: Invitation): string {
  return `${INVITATION_LINK_PREFIX}v${invitation.version}#${toBase64Url(encodeInvitationBytes(invitation))}`;
}

/**
 * Decodes a link (as pasted, opened as a deep link or read from a QR code) or raw invitation
 * bytes. Whitespace anywhere is ignored, because mail clients wrap long links.
 */
export function decodeInvitation(input: string | Uint8Array): Invitation {
  if (input instanceof Uint8Array) return decodeInvitationBytes(input);
  if (typeof input !== 'string') throw ProtocolError.BAD_ENCODING('invitation link');
  if (input.length > 4096) throw ProtocolError.TOO_LARGE('invitation link', 4096);
  const text = input.replace(/\s+/g, '');
  if (text.slice(0, INVITATION_LINK_PREFIX.length).toLowerCase() !== INVITATION_LINK_PREFIX) {
    throw ProtocolError.BAD_ENCODING('invitation link (expected sotto://invite/v2#...)');
  }
  const rest = text.slice(INVITATION_LINK_PREFIX.length);
  const hash = rest.indexOf('#');
  if (hash < 0) throw ProtocolError.BAD_ENCODING('invitation link (no #)');
  const pathVersion = rest.slice(0, hash).replace(/\/$/, '');
  const n = /^v(\d{1,3})$/.exec(pathVersion);
  if (!n) throw ProtocolError.BAD_ENCODING('invitation link path');
  const linkVersion = Number(n[1]);
  if (!(INVITATION_VERSIONS as readonly number[]).includes(linkVersion)) throw ProtocolError.BAD_VERSION('invitation link', linkVersion);
  const invitation = decodeInvitationBytes(fromBase64Url(rest.slice(hash + 1)));
  if (invitation.version !== linkVersion) throw ProtocolError.BAD_VERSION('invitation (link path says another)', invitation.version);
  return invitation;
}
