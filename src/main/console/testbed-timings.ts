// Timings of a console on the local testbed. The production schedule spreads each publish cycle
// over 10 minutes and looks contacts up once a minute, backing off to 10 minutes (DESIGN D4: the
// timing of writes must not tell real entries from dummies). On a loopback demo network nobody
// observes timing, and a newcomer would wait minutes to see a new contact online, so the console
// uses the schedule of the core's integration tests (same logic, shorter intervals).
import { realServices, type CoreServicesFactory, type CoreTimings } from '../index.ts';
import { networkServices, type NetworkServicesOptions } from '../core/network-services.ts';
import type { NetworkSettings } from '../core/network-settings.ts';
import type { TestbedDescription } from '../../testbed/index.ts';

export const TESTBED_CORE_TIMINGS: Partial<CoreTimings> = {
  lookupIntervalMs: 1_500,
  lookupMaxIntervalMs: 8_000,
  connectTimeoutMs: 45_000,
  expiryCheckMs: 5_000,
};

export const TESTBED_TUNING: NonNullable<NetworkServicesOptions['tuning']> = {
  // spreadMs 10 min -> 50 ms and 16 writes in flight: the registry's own test schedule.
  registryTimings: { spreadMs: 50, offlineSpreadMs: 20, concurrency: 16, sweepMinMs: 8_000, sweepMaxMs: 12_000 },
  // A dead peer is noticed in ~10 s instead of minutes (keepalive every 3 s).
  link: { keepaliveMs: 3_000, deadPeerMs: 10_000 },
  // Fresh descriptors take ~1-2 s to be fetchable on the testbed (ARCHITECTURE "Tor layer").
  tor: { connectBackoffsMs: [250, 500, 1000, 1000, 2000, 2000, 2000] },
};

/** The testbed's tor network and gateways, nothing from the profile (console tests, demos). */
export function testbedServices(tb: TestbedDescription): CoreServicesFactory {
  return realServices({ ...TESTBED_TUNING, gateways: tb.gateways.map((g) => `http://${g.onion}`), torrc: tb.tor.clientTorrc });
}

/**
 * The testbed's tor network (its private-network torrc lines) with the profile's network settings:
 * the profile's tor choice and gateways; the testbed's gateways stand in only while the profile has
 * none and `standIn` allows it (docs/ARCHITECTURE.md "Network settings").
 */
export function testbedNetworkServices(
  tb: TestbedDescription, network: NetworkSettings, o: { standIn: boolean } & Pick<NetworkServicesOptions, 'resourcesDir' | 'packaged'>,
): CoreServicesFactory {
  const { standIn, ...binary } = o;
  const run = testbedRun(tb, { standIn });
  network.useStandIns(run.standIns);
  return networkServices({ network, privateTorrc: run.privateTorrc, tuning: run.tuning, ...binary });
}

/** What running on the testbed means for a profile: its torrc lines, stand-in gateways, tuning, timings. */
export function testbedRun(tb: TestbedDescription, o: { standIn: boolean }): {
  privateTorrc: string[]; standIns: string[]; tuning: NonNullable<NetworkServicesOptions['tuning']>; timings: Partial<CoreTimings>;
} {
  return {
    privateTorrc: tb.tor.clientTorrc,
    standIns: o.standIn ? tb.gateways.map((g) => `http://${g.onion}`) : [],
    tuning: TESTBED_TUNING,
    timings: TESTBED_CORE_TIMINGS,
  };
}
