// Public surface of the profile store (DESIGN D7; docs/ARCHITECTURE.md "## Storage").
export { createProfile, unlockProfile, profileExists, ProfileStore, PROFILE_DB_FILE } from './profile.ts';
export type { Identity, CreateProfileOptions, StoreOptions } from './profile.ts';
export { StoreError, isStoreError } from './errors.ts';
export type { StoreErrorCode } from './errors.ts';
export { KDF_INTERACTIVE, KDF_MINIMAL_FOR_TESTS } from './crypto.ts';
export { passphraseStrength, checkNewPassphrase, MIN_PASSPHRASE_SCORE } from './passphrase-strength.ts';
export type { PassphraseStrength } from './passphrase-strength.ts';
export { unlockDelayMs, FREE_FAILURES, UNLOCK_FAILURES_FILE } from './unlock-throttle.ts';
export type { KdfCost, Passphrase, RandomBytes } from './crypto.ts';
export { MIGRATIONS } from './migrations.ts';
export type { Migration, MigrationContext } from './migrations.ts';
export type { RecordTable, RecordEntry } from './record-table.ts';
export type { Settings } from './settings.ts';
export type { Messages, HistoryPage } from './messages.ts';
export { MAX_HISTORY_PAGE } from './messages.ts';
export {
  ContactRecordSchema, InvitationRecordSchema, MessageSchema, STATUS_ORDER, MAX_BODY_LENGTH, MAX_ID_LENGTH,
} from './records.ts';
export type {
  ContactRecord, ContactPhase, InvitationRecord, Message, MessageDirection, MessageStatus, StoredMessage, JsonValue,
} from './records.ts';
