// Public surface of the Tor layer (docs/ARCHITECTURE.md "src/main/tor" and "Tor layer").
export { TorError, isTorError, SOCKS_REPLY_CODES, type TorErrorCode } from './errors.ts';
export { findTorBinary, type FindTorBinaryOptions } from './binary.ts';
export {
  TorControl,
  type ControlEvent,
  type ControlReply,
  type ReplyLine,
  type CommandOptions,
  type ConnectOptions,
  type AuthenticateOptions,
  type ProtocolInfo,
} from './control.ts';
export { TorProcess, type TorProcessOptions, type CrashInfo } from './process.ts';
export type { BootstrapStatus } from './bootstrap.ts';
export { OnionEndpoints, type OnionEndpoint, type OnionEndpointsOptions, type CreateEndpointOptions, type OnionTarget } from './onion.ts';
export { socksConnect, type SocksConnectOptions } from './socks.ts';
export { connectOnion, RETRYABLE_ONION_ERRORS, type ConnectOnionOptions } from './connect-onion.ts';
export { addClientAuth, removeClientAuth } from './client-auth.ts';
export { isServiceId, toServiceId, base32Encode } from './onion-address.ts';
