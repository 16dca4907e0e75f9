// Coded errors of contact links. Every way a link ends is a LinkError whose `code` says why, so
// the core can tell "peer went away" (retry later) from "peer misbehaved" (log, maybe block).
import { CodedError, codedGuard } from '../../protocol/errors.ts';

export type LinkErrorCode =
  | 'LINK_BAD_OPTIONS' // ContactLink built with unusable options (a bug in the caller)
  | 'LINK_HANDSHAKE_FAILED' // the Noise handshake failed (garbage, wrong protocol, stream died)
  | 'LINK_HANDSHAKE_TIMEOUT' // no authenticated hello within the handshake window
  | 'LINK_WRONG_PEER' // the remote static key is not the contact we expected
  | 'LINK_PEER_REJECTED' // open-invitation bootstrap: the acceptPeer callback said no
  | 'LINK_BAD_FRAME' // a secret-stream message that is not a valid frame (cause: ProtocolError)
  | 'LINK_FRAME_TOO_LARGE' // a message larger than MAX_FRAME_SIZE, refused before buffering it
  | 'LINK_PROTOCOL_VIOLATION' // a valid frame at the wrong time (no hello first, second hello)
  | 'LINK_INCOMPATIBLE' // no common link protocol version
  | 'LINK_PEER_TIMEOUT' // keepalive: nothing heard from the peer within the dead-peer window
  | 'LINK_REMOTE_BYE' // the peer closed with a bye frame (`reason` says which)
  | 'LINK_REMOTE_CLOSED' // the stream ended or broke without a bye
  | 'LINK_DUPLICATE' // closed by us: another link to the same contact won the tie-break
  | 'LINK_CLOSED' // closed by us (close()), or send() on a closed link
  | 'LINK_NOT_OPEN'; // send() before the hello exchange finished

export class LinkError extends CodedError<LinkErrorCode> {
  override readonly name = 'LinkError';

  static BAD_OPTIONS(what: string): LinkError {
    return new LinkError('LINK_BAD_OPTIONS', `bad link options: ${what}`);
  }

  static HANDSHAKE_FAILED(cause?: unknown): LinkError {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new LinkError('LINK_HANDSHAKE_FAILED', `Noise handshake failed${detail}`, { cause });
  }

  static HANDSHAKE_TIMEOUT(ms: number): LinkError {
    return new LinkError('LINK_HANDSHAKE_TIMEOUT', `no authenticated hello within ${ms} ms`);
  }

  static WRONG_PEER(): LinkError {
    return new LinkError('LINK_WRONG_PEER', 'the remote identity key is not the expected contact');
  }

  static PEER_REJECTED(cause?: unknown): LinkError {
    return new LinkError('LINK_PEER_REJECTED', 'the remote identity was not accepted', { cause });
  }

  static BAD_FRAME(cause: unknown): LinkError {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new LinkError('LINK_BAD_FRAME', `malformed frame${detail}`, { cause });
  }

  static FRAME_TOO_LARGE(size: number, limit: number): LinkError {
    return new LinkError('LINK_FRAME_TOO_LARGE', `a ${size}-byte message exceeds the ${limit}-byte limit`);
  }

  static PROTOCOL_VIOLATION(what: string): LinkError {
    return new LinkError('LINK_PROTOCOL_VIOLATION', `protocol violation: ${what}`);
  }

  static INCOMPATIBLE(own: string, theirs: string): LinkError {
    return new LinkError('LINK_INCOMPATIBLE', `no common protocol version (ours ${own}, theirs ${theirs})`);
  }

  static PEER_TIMEOUT(ms: number): LinkError {
    return new LinkError('LINK_PEER_TIMEOUT', `nothing heard from the peer for ${ms} ms`);
  }

  static REMOTE_BYE(reason: string): LinkError {
    return new LinkError('LINK_REMOTE_BYE', `the peer closed the link (${reason})`);
  }

  static REMOTE_CLOSED(cause?: unknown): LinkError {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new LinkError('LINK_REMOTE_CLOSED', `the stream closed without a bye${detail}`, { cause });
  }

  static DUPLICATE(): LinkError {
    return new LinkError('LINK_DUPLICATE', 'another link to this contact won the tie-break');
  }

  static CLOSED(reason = 'closed'): LinkError {
    return new LinkError('LINK_CLOSED', `the link is closed (${reason})`);
  }

  static NOT_OPEN(): LinkError {
    return new LinkError('LINK_NOT_OPEN', 'the link is not open yet (hello exchange pending)');
  }
}

export const isLinkError = codedGuard(LinkError);
