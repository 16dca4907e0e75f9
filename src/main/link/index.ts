// Public surface of src/main/link (docs/ARCHITECTURE.md "src/main/link"): authenticated,
// framed sessions with contacts over onion streams, one per contact, with redial backoff.
export {
  ContactLink, LINK_DEFAULTS, LINK_PROTOCOL_MIN, LINK_PROTOCOL_MAX,
  type ContactLinkOptions, type ContactLinkEvents, type LinkOpenInfo, type LinkCloseInfo, type LinkState,
  type LinkTimers, type IdentityKeyPair, type OwnHello,
} from './contact-link.ts';
export { preferLink, dialerOf } from './tie-break.ts';
export { LinkError, isLinkError, type LinkErrorCode } from './errors.ts';
