// Public surface of src/gateway (docs/ARCHITECTURE.md, "src/gateway" and "Gateway").
export { startGateway, type Gateway, type GatewayOptions } from './server.ts';
export {
  createGatewayHandler,
  GATEWAY_API_VERSION,
  type GatewayHandler,
  type GatewayHandlerOptions,
  type GatewayLog,
  type GatewayLogEntry,
  type ServedRequest,
} from './handler.ts';
export { GatewayMetrics, LATENCY_BUCKETS_S, type GatewayGauges } from './metrics.ts';
export { startMonitor, dhtHealth, MONITOR_HOST, type GatewayMonitor, type MonitorOptions } from './monitor.ts';
export { GatewayError, GATEWAY_ERROR_STATUS, isGatewayError, type GatewayErrorCode } from './errors.ts';
export { DEFAULT_LIMITS, resolveLimits, type GatewayLimits, type GatewayLimitsInput, type TokenBucketLimit } from './limits.ts';
export { createGatewayDht, verifyRecord, GATEWAY_MAX_WINDOW, type RegistryDht } from './registry-dht.ts';
export { parseGetRequest, parsePutRequest, recordToJson, type RecordJson, type SignedRecord } from './validation.ts';
