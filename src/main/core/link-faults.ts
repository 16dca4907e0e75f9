// Which link endings are the contact's fault (DESIGN D6: a bad frame closes the link). The core
// reports these as a `warning` event carrying the link's code so a UI can say "Bob's app sent
// something broken" instead of a silent offline flicker; ordinary endings (bye, timeouts, a
// dropped circuit) are presence changes, not warnings.
export const PEER_FAULT_LINK_CODES: ReadonlySet<string> = new Set([
  'LINK_BAD_FRAME',
  'LINK_FRAME_TOO_LARGE',
  'LINK_PROTOCOL_VIOLATION',
  'LINK_INCOMPATIBLE',
]);

/** The error's link code when it is a peer fault, else null. */
export function peerFaultCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PEER_FAULT_LINK_CODES.has(code) ? code : null;
}
