// Public surface of src/main/core (docs/ARCHITECTURE.md "Core API"): SottoCore, its JSON types and
// events, the real service wiring, and the pure state machines the UI may reuse.
export {
  SottoCore, DEFAULT_CORE_TIMINGS, torDataDir,
  type SottoCoreOptions, type CoreServices, type CoreServicesContext, type CoreServicesFactory, type CoreTimings,
} from './sotto-core.ts';
export { realServices, contactLinkFactory, type RealServicesOptions, type TorPortOptions, type LinkFactoryOptions } from './wiring.ts';
export { DEFAULT_ENDPOINT_GROUPS, type EndpointGroupOptions } from './endpoint-groups.ts';
export { CoreError, toErrorInfo, type CoreErrorCode, type ErrorInfo } from './errors.ts';
export { systemClock, type Clock } from './clock.ts';
export type * from './types.ts';
export type { TorPort, RegistryPort, LinkFactory, LinkPort, Pairing, PublishedValue, FoundEntry } from './ports.ts';
export {
  effectiveState, deriveContactPresence, PRESENCE_STATES, DEFAULT_AWAY_AFTER_MINUTES,
  type OwnPresence, type AnnouncedState, type ContactPresence,
} from './presence.ts';
export { announcedTo, HIDE_BYE, type Visibility } from './visibility.ts';
export { nextInvitationState, isLive, isDue, redemptionRefusal, DEFAULT_INVITATION_TTL_MS, MAX_INVITATION_TTL_MS } from './invitation-lifecycle.ts';
