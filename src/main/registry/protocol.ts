// Everything this folder takes from src/protocol (its public index only), in one place.
export {
  ready, recordKeyPair, recordSeed, registryKey, signRecord, verifyRecord,
  sealRegistryValue, openRegistryValue, dummyRegistryValue, REGISTRY_VALUE_SIZE, REGISTRY_NONCE_BYTES,
  publishHours, lookupHours, hourOf, nextRefreshDelay, HOUR_MS, SCHEDULE_DEFAULTS, DEFAULT_REPLICAS,
  onionAddressFromPublicKey, publicKeyFromOnionAddress, isProtocolError,
  GATEWAY_API_PATHS, getRequestToJson, getResponseFromJson, recordToJson,
  type RecordKeyPair, type Role, type Identity, type PresenceState, type RegistryEntry,
} from '../../protocol/index.ts';
