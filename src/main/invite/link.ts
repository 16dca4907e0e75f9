// Finding the invitation link in what a user pastes or what the OS hands us as a deep link.
// Mail clients wrap long lines, add angle brackets or "<...>" quoting, and percent-encode the
// fragment; we undo exactly that and nothing more. Decoding the invitation bytes (version,
// signature, expiry) is src/protocol's job: this only isolates the `sotto://invite/vN#...` string
// (N = 1, or 2 for invitations that carry the inviter's gateways: docs/PROTOCOL.md).

export const INVITATION_LINK_PREFIX = 'sotto://invite/v1#';
/** The versions a link may name; the bytes must agree (src/protocol checks). */
const LINK_HEAD = /sotto:\/\/invite\/v([12])/i;
const CANONICAL = /^sotto:\/\/invite\/v[12]#/;

/** Longest link we look at: a sealed invitation is ~300 characters; 4 KiB leaves room for v2. */
export const MAX_LINK_LENGTH = 4096;

const PAYLOAD = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Every candidate `sotto://invite/v1#<base64url>` link in `text`, longest first.
 * Accepts: the bare link, a deep link as the OS passes it (`sotto://invite/v1#...`, possibly with
 * `%23` for `#`), the link in `<...>`, and the link inside an e-mail body wrapped across lines
 * (also "> " quoted). Where a wrapped link ends is ambiguous (a following line "bye" is valid
 * base64url), so each join point yields a candidate and the strict decoder of src/protocol picks.
 */
export function invitationLinkCandidates(text: string): string[] {
  if (typeof text !== 'string') return [];
  const input = text.length > MAX_LINK_LENGTH * 4 ? text.slice(0, MAX_LINK_LENGTH * 4) : text;
  const head = LINK_HEAD.exec(input);
  if (!head) return [];
  const prefix = `sotto://invite/v${head[1]!}#`;
  let rest = input.slice(head.index + head[0].length);
  if (rest.startsWith('#')) rest = rest.slice(1);
  else if (rest.toLowerCase().startsWith('%23')) rest = rest.slice(3);
  else return [];
  const candidates: string[] = [];
  let payload = '';
  let first = true;
  for (const line of rest.split(/\r?\n/)) {
    const body = first ? line : line.replace(/^[\s>]*/, '');
    first = false;
    const chunk = /^[A-Za-z0-9_=-]*/.exec(body)?.[0] ?? '';
    if (chunk.length === 0) break;
    payload += chunk;
    if (payload.length > MAX_LINK_LENGTH) break;
    if (PAYLOAD.test(payload)) candidates.push(prefix + payload);
    // A line that goes on with anything but payload characters ends the link.
    if (chunk.length !== body.trimEnd().length) break;
  }
  return candidates.reverse();
}

/**
 * The invitation link in `text`, or null: the longest candidate that `isValid` accepts (pass the
 * protocol decoder's check); without `isValid`, the longest candidate.
 */
export function findInvitationLink(text: string, isValid: (link: string) => boolean = () => true): string | null {
  for (const candidate of invitationLinkCandidates(text)) {
    if (isValid(candidate)) return candidate;
  }
  return null;
}

/** True when `text` is exactly one canonical invitation link (what we put in QR codes and mails). */
export function isInvitationLink(text: string): boolean {
  return typeof text === 'string' && CANONICAL.test(text) && text.length <= MAX_LINK_LENGTH
    && PAYLOAD.test(text.slice(INVITATION_LINK_PREFIX.length));
}
