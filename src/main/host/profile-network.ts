// Which network a desktop host runs a profile on, decided at every unlock from the profile's own
// choice (docs/ARCHITECTURE.md "Network settings"): a host is started for a network (`--network
// testbed|public`, or the Electron shell's desktopNetwork), and a profile that chose "Tor network"
// (`kind: 'tor'`, stored encrypted) runs on the public Tor network even on a host with a testbed,
// with its own tor and production timings. A 'sandbox' profile (every profile made before the
// choice existed) runs on what the host was started with, as before.
import type { CoreServicesFactory, CoreTimings } from '../index.ts';
import { testbedRun, type AttachedTestbed } from '../console/index.ts';
import { networkServices, type NetworkServicesOptions } from '../core/network-services.ts';
import type { NetworkSettings, StoredNetwork } from '../core/network-settings.ts';
import type { TestbedDescription } from '../../testbed/index.ts';

export type HostNetwork = 'testbed' | 'public';

/** What one unlock runs on. `testbed` only for a sandbox profile on a host that has a testbed. */
export interface NetworkPlan {
  network: HostNetwork;
  /** The testbed's private-network torrc lines; none on the public network. */
  privateTorrc: string[];
  /** The testbed's gateways, used while the profile has none (never on the public network). */
  standIns: string[];
  /** Shorter schedules for a loopback network; production ones (undefined) on the public network. */
  tuning: NetworkServicesOptions['tuning'];
  timings: Partial<CoreTimings> | undefined;
}

/** Pure: the host's network and the profile's choice (and the testbed, when the host has one). */
export function networkPlan(host: HostNetwork, stored: Pick<StoredNetwork, 'kind'>, testbed: TestbedDescription | null, o: { standIn: boolean }): NetworkPlan {
  if (host === 'public' || stored.kind === 'tor' || !testbed) {
    return { network: 'public', privateTorrc: [], standIns: [], tuning: undefined, timings: undefined };
  }
  return { network: 'testbed', ...testbedRun(testbed, o) };
}

export interface ProfileNetworkOptions {
  host: HostNetwork;
  /** Found or started when the host started (null on a public host); awaited only by a sandbox profile. */
  testbed: Promise<AttachedTestbed> | null;
  network: NetworkSettings;
  /** On the testbed, its gateways stand in while the profile has none (--no-testbed-gateways: false). */
  standIn: boolean;
  resourcesDir?: string;
  packaged?: boolean;
  log: (line: string) => void;
  /** The services of a plan: the real ones (network-services.ts); a test may look at what it is given. */
  build?: (o: NetworkServicesOptions) => CoreServicesFactory;
}

/**
 * The core's services factory of a desktop host: reads the profile's network settings (the first
 * start of a new profile writes onboarding's choice first, NetworkSettings.forNewProfile), plans,
 * and builds tor, registry and links for that network with the plan's timings.
 */
export function profileServices(o: ProfileNetworkOptions): CoreServicesFactory {
  const build = o.build ?? networkServices;
  return async (ctx) => {
    const stored = await o.network.load();
    // A 'tor' profile never waits for (or fails with) the host's testbed.
    const testbed = o.host === 'testbed' && stored.kind === 'sandbox' && o.testbed ? (await o.testbed).description : null;
    const plan = networkPlan(o.host, stored, testbed, { standIn: o.standIn });
    if (plan.network === 'testbed') o.network.useStandIns(plan.standIns);
    else o.network.leaveTestbed();
    o.log(`network: ${plan.network} (the profile chose ${stored.kind === 'tor' ? 'the Tor network' : 'the local sandbox'}, the host runs ${o.host})`);
    const services = await build({
      network: o.network, privateTorrc: plan.privateTorrc,
      ...(plan.tuning ? { tuning: plan.tuning } : {}),
      ...(o.resourcesDir ? { resourcesDir: o.resourcesDir } : {}), ...(o.packaged === undefined ? {} : { packaged: o.packaged }),
    })(ctx);
    return { ...services, ...(plan.timings ? { timings: plan.timings } : {}) };
  };
}
