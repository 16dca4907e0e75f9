// Public surface of src/protocol (docs/ARCHITECTURE.md "src/protocol"). Pure: no I/O, no clock,
// no randomness of its own. `await ready()` once; everything else is synchronous.
export { ready } from './sodium.ts';
export { CodedError, codedGuard, ProtocolError, isProtocolError, type ProtocolErrorCode } from './errors.ts';
export {
  toHex, fromHex, toBase32, fromBase32, toBase64Url, fromBase64Url, toBase64,
  concatBytes, equalBytes, compareBytes, u64be, readU64be, utf8Encode, utf8Decode,
} from './bytes.ts';
export {
  type Identity, type X25519KeyPair, identityFromSeed, encodeContactCode, decodeContactCode,
  fingerprint, safetyNumber, x25519PublicKey, x25519KeyPair, CONTACT_CODE_VERSION,
} from './identity.ts';
export { type Role, type InvitationSide, roleOf, bootstrapRole, otherRole } from './roles.ts';
export {
  type Invitation, type SealedInvitation, type OpenInvitation, type OpenedSealedInvitation,
  type SealedInvitationInput, type OpenInvitationInput,
  createSealedInvitation, openSealedInvitation, createOpenInvitation, checkOpenInvitation,
  encodeInvitationBytes, decodeInvitationBytes,
  INVITATION_VERSION, INVITATION_VERSIONS, type InvitationVersion, SEALED_INVITATION_BYTES, sealedInvitationBytes,
  MAX_INVITER_NAME_BYTES, MAX_INVITATION_BYTES,
} from './invitation.ts';
export {
  type InvitationGateway, parseGatewayUrl, gatewayUrl, MAX_INVITATION_GATEWAYS, MAX_GATEWAY_URL_CHARS,
} from './invitation-gateways.ts';
export { encodeInvitation, decodeInvitation, INVITATION_LINK_PREFIX } from './invitation-link.ts';
export { upgradeSharedKey } from './shared-key.ts';
export { type RecordKeyPair, registryKey, recordSeed, recordKeyPair, DEFAULT_REPLICAS } from './registry-key.ts';
export {
  type RegistryEntry, type RegistrySlot, type SealRegistryValueInput, type OpenRegistryValueOptions,
  sealRegistryValue, openRegistryValue, dummyRegistryValue,
  REGISTRY_VALUE_SIZE, REGISTRY_VALUE_VERSION, REGISTRY_NONCE_BYTES, DEFAULT_MAX_SKEW_MS,
} from './registry-value.ts';
export { type PresenceState, PRESENCE_STATES } from './presence-state.ts';
export {
  type SealTakenTombstoneInput, type OpenTakenTombstoneOptions, type TakenRecord,
  takenRecordKeyPair, takenRecordKeys, takenRedeemerTag, sealTakenTombstone, openTakenTombstone, takenRecords, TAKEN_TOMBSTONE_VERSION,
} from './invitation-taken.ts';
export { mutableSignable, signRecord, verifyRecord, NS_MUTABLE_PUT } from './mutable-record.ts';
export { clientAuthKeyPair, clientAuthPublicKeyText, clientAuthSecretKeyText } from './client-auth.ts';
export { onionAddressFromPublicKey, publicKeyFromOnionAddress } from './onion.ts';
export { sha3_256 } from './sha3.ts';
export {
  type ScheduleOptions, hourOf, publishHours, lookupHours, nextRefreshDelay, HOUR_MS, SCHEDULE_DEFAULTS,
} from './schedule.ts';
export * from './frames.ts';
export {
  type SignedRecord, type SignedRecordJson, type GetRequest, type GetRequestJson, type GetResponseJson,
  GatewayWireError, recordToJson, recordFromJson, putRequestFromJson, getRequestToJson, getRequestFromJson,
  getResponseToJson, getResponseFromJson, GATEWAY_API_VERSION, GATEWAY_API_PATHS,
  RECORD_PUBLIC_KEY_BYTES, RECORD_SIGNATURE_BYTES,
} from './gateway-wire.ts';
export {
  type SessionTicket, type IssueSessionTicketInput, type TicketCheck,
  issueSessionTicket, encodeSessionTicket, decodeSessionTicket, checkSessionTicket, SESSION_TICKET_VERSION, SESSION_TICKET_BYTES,
} from './group-ticket.ts';
export * from './group-frames.ts';
export { type OrderedMessage, compareSessionMessages, SessionTimeline } from './group-order.ts';
export { conversationOrder } from './conversation-order.ts';
export {
  type SessionInvitePolicy, type SessionInviteDecision, sessionInviteDecision, DEFAULT_SESSION_INVITE_POLICY,
} from './group-privacy.ts';
export * from './group-session.ts';
