// The core's services built from a profile's network settings (docs/ARCHITECTURE.md "Network
// settings"): the tor the profile chose, the registry over the profile's gateways (changing while
// it runs), each gateway's health recorded. Private-network torrc lines (a testbed's) come only
// from the caller, who got them from a testbed named on the command line: nothing stored in a
// profile can add a torrc line.
import type { CoreServicesFactory } from './sotto-core.ts';
import { realServices, type RealServicesOptions, type TorPortOptions } from './wiring.ts';
import type { NetworkSettings, TorChoice } from './network-settings.ts';

export interface NetworkServicesOptions {
  network: NetworkSettings;
  /** A testbed's clientTorrc (from --testbed only); none on the real network. */
  privateTorrc?: string[];
  /** Electron's process.resourcesPath (bundled tor under tor/<platform>-<arch>/). */
  resourcesDir?: string;
  /** An installed app: 'bundled' never falls back to PATH (DESIGN D5). */
  packaged?: boolean;
  /** Shorter schedules for a testbed (src/main/console/testbed-timings.ts); production ones by default. */
  tuning?: Omit<RealServicesOptions, 'gateways' | 'torrc' | 'torPath' | 'observeGateway'>;
}

type TorBinary = { torPath?: string; tor: Pick<TorPortOptions, 'resourcesDir' | 'packaged' | 'searchPath'> };

/** Where findTorBinary may look for each choice. */
export function torBinaryOf(choice: TorChoice, o: { resourcesDir?: string | undefined; packaged?: boolean | undefined }): TorBinary {
  switch (choice.kind) {
    case 'bundled':
      // A development checkout has no bundle: it falls back to PATH unless packaged.
      return { tor: { ...(o.resourcesDir ? { resourcesDir: o.resourcesDir } : {}), packaged: o.packaged ?? false } };
    case 'system':
      return { tor: { searchPath: true, packaged: false } };
    case 'path':
      return { torPath: choice.path, tor: { searchPath: false } };
  }
}

export function networkServices(o: NetworkServicesOptions): CoreServicesFactory {
  return async (ctx) => {
    const stored = await o.network.load();
    const binary = torBinaryOf(stored.tor, o);
    return realServices({
      ...o.tuning,
      gateways: o.network,
      observeGateway: (gateway, ok, code) => o.network.saw(gateway, ok, code),
      torrc: o.privateTorrc ?? [],
      ...(binary.torPath ? { torPath: binary.torPath } : {}),
      tor: { ...o.tuning?.tor, ...binary.tor },
    })(ctx);
  };
}
