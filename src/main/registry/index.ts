// Public surface of src/main/registry (docs/ARCHITECTURE.md "src/main/registry"): the client side
// of the presence registry. The core builds a transport (gateways over Tor by default) and a
// Registry on it; nothing else in this folder is meant to be imported from outside.
import { torConnector, type SocksConnect } from './connectors.ts';
import { GatewayTransport, type GatewayTransportOptions } from './gateway-transport.ts';
import { verifyRecord } from './protocol.ts';
import type { SignedRecord } from './transport.ts';

export { Registry, SWEEP_DEFAULTS, type RegistryEvents, type RegistryOptions, type RegistryTimings } from './registry.ts';
export { type RegistryContact, type OnionEndpoint, type OwnState, OWN_STATES } from './contacts.ts';
export { type ContactSighting, LOOKUP_TIMINGS } from './lookup.ts';
export { entriesPerIndex, ENTRY_BUCKET, PUBLISHER_TIMINGS, FAST_PUBLISHER_TIMINGS, type PlanStore, type PublishReport, type PublisherTimings } from './publisher.ts';
export { dummyKeyPair, dummySecret, type PlanSnapshot } from './hour-plan.ts';
export { type RegistryTransport, type SignedRecord, MAX_KEYS_PER_GET } from './transport.ts';
export { GatewayTransport, GATEWAY_TRANSPORT_DEFAULTS, type GatewayTransportOptions } from './gateway-transport.ts';
export { DirectTransport, DIRECT_TRANSPORT_WARNING, type DirectTransportOptions } from './direct-transport.ts';
export { torConnector, tcpConnector, type SocksConnect } from './connectors.ts';
export type { StreamConnector } from './http-exchange.ts';
export { RegistryError, isRegistryError, type RegistryErrorCode } from './errors.ts';
export type { Timers, Environment } from './environment.ts';

/** hyperdht's mutable-record check, the `verify` both transports take. */
export function verifySignedRecord(record: SignedRecord): boolean {
  return verifyRecord(record.publicKey, record.seq, record.value, record.signature);
}

/**
 * The default transport: gateways reached through tor's SocksPort, one isolated circuit per
 * request. `socksConnect` is src/main/tor's.
 */
export function gatewayTransportOverTor(opts: {
  gateways: string[];
  socksConnect: SocksConnect;
  /** Read per request (a function follows tor restarts). */
  socksPort: number | (() => number);
  socksHost?: string;
} & Partial<Omit<GatewayTransportOptions, 'gateways' | 'connect'>>): GatewayTransport {
  const { socksConnect, socksPort, socksHost, ...rest } = opts;
  return new GatewayTransport({
    verify: verifySignedRecord,
    ...rest,
    connect: torConnector({ socksConnect, socksPort, ...(socksHost === undefined ? {} : { socksHost }) }),
  });
}
