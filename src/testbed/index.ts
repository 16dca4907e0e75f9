// Public surface of src/testbed (docs/ARCHITECTURE.md "src/testbed" and "Testbed"): a private
// loopback Tor network, a HyperDHT testnet, registry gateways as onions, and the description
// file that app profiles and tests read.
export { startTorNetwork, type TorNetwork, type TorNetworkNode, type TorNetworkOptions } from './network.ts';
export { startDhtTestnet, type DhtTestnet, type DhtTestnetOptions } from './dht.ts';
export { startTestbed, type Testbed, type TestbedOptions } from './testbed.ts';
export { startClientTor, type ClientTor, type ClientTorOptions } from './client-tor.ts';
export { runSmoke, type SmokeOptions, type SmokeResult } from './smoke.ts';
export {
  parseTestbedDescription,
  readTestbedDescription,
  writeTestbedDescription,
  TESTBED_DESCRIPTION_VERSION,
  type TestbedDescription,
  type TestbedGateway,
} from './description.ts';
export { TestbedError, type TestbedErrorCode } from './errors.ts';
export { DEFAULT_TIMINGS, type NetworkTimings, type AuthorityIdentity, type TorNodeRole } from './torrc.ts';
