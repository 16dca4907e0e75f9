// The whole testbed: private Tor network + HyperDHT testnet + N registry gateways, each published
// as an onion service through one testbed client tor (DESIGN D9). Writes nothing itself; the
// caller gets the description to write (cli.ts) or use in-process.
import { join, resolve } from 'node:path';
import { startGateway, type Gateway } from '../gateway/index.ts';
import { OnionEndpoints, type OnionEndpoint, type TorProcess } from '../main/tor/index.ts';
import { startClientTor } from './client-tor.ts';
import type { TestbedDescription } from './description.ts';
import { startDhtTestnet, type DhtTestnet } from './dht.ts';
import { startTorNetwork, type TorNetwork } from './network.ts';

export interface TestbedOptions {
  dir: string;
  gateways?: number;
  dhtSize?: number;
  torPath?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => number;
}

export interface Testbed {
  description: TestbedDescription;
  network: TorNetwork;
  dht: DhtTestnet;
  gateways: Gateway[];
  /** The client tor that hosts the gateway onions. */
  onionHost: TorProcess;
  /** name -> milliseconds, for `name: value` reporting. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export async function startTestbed(o: TestbedOptions): Promise<Testbed> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const dir = resolve(o.dir);
  const started = now();
  const timings: Record<string, number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse start order: onions and their tor, gateways, DHT, then the network under them.
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
  };

  try {
    // Both in parallel (the DHT takes ~0.1 s, the network ~10 s); whichever started is torn
    // down if the other failed.
    const [networkResult, dhtResult] = await Promise.allSettled([
      startTorNetwork({ dir: join(dir, 'tor'), signal: o.signal, log, torPath: o.torPath, now }),
      startDhtTestnet({ size: o.dhtSize ?? 25 }),
    ]);
    if (networkResult.status === 'fulfilled') cleanups.push(() => networkResult.value.stop());
    if (dhtResult.status === 'fulfilled') cleanups.push(() => dhtResult.value.destroy());
    if (networkResult.status === 'rejected') throw networkResult.reason;
    if (dhtResult.status === 'rejected') throw dhtResult.reason;
    const network = networkResult.value;
    const dht = dhtResult.value;
    timings.tor_network_boot_ms = network.bootMs;

    const gatewayCount = o.gateways ?? 2;
    const gatewaysStarted = now();
    const gateways: Gateway[] = [];
    for (let i = 0; i < gatewayCount; i++) {
      const gateway = await startGateway({ bootstrap: dht.bootstrap, dhtHost: '127.0.0.1', host: '127.0.0.1', port: 0 });
      cleanups.push(() => gateway.close());
      gateways.push(gateway);
    }
    timings.gateways_start_ms = now() - gatewaysStarted;

    const client = await startClientTor({ clientTorrc: network.clientTorrc(), dataDir: join(dir, 'onion-host'), torPath: o.torPath, signal: o.signal }, now);
    cleanups.push(() => client.tor.stop());
    timings.client_bootstrap_ms = client.bootstrapMs;

    const onionsStarted = now();
    // Gateways are public to every Sotto client: no client auth (empty key list).
    const endpoints = new OnionEndpoints({ control: client.tor.control, now });
    const onions: OnionEndpoint[] = await Promise.all(
      gateways.map((g) =>
        endpoints.create({ clientAuthPublicKeys: [], target: { host: '127.0.0.1', port: g.port }, virtualPort: 80, signal: o.signal }),
      ),
    );
    cleanups.push(() => Promise.all(onions.map((x) => endpoints.remove(x.serviceId))));
    timings.gateway_onions_uploaded_ms = now() - onionsStarted;
    timings.testbed_total_ms = now() - started;

    const description: TestbedDescription = {
      version: 1,
      createdAt: new Date(now()).toISOString(),
      dir,
      tor: { clientTorrc: network.clientTorrc() },
      dht: { bootstrap: dht.bootstrap },
      gateways: gateways.map((g, i) => ({
        name: `gw${i}`,
        url: `http://127.0.0.1:${g.port}`,
        onion: `${onions[i]?.address}:80`,
      })),
    };
    let stopping: Promise<void> | undefined;
    return { description, network, dht, gateways, onionHost: client.tor, timings, stop: () => (stopping ??= stopAll()) };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
