// Everything this folder takes from src/protocol, in one place.
export { ready } from '../../protocol/sodium.ts';
export { recordKeyPair, recordSeed, registryKey, type RecordKeyPair } from '../../protocol/registry-key.ts';
export { signRecord, verifyRecord } from '../../protocol/mutable-record.ts';
export type { Role } from '../../protocol/roles.ts';
