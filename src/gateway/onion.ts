// Publishes the gateway as an onion service (DESIGN D4: clients reach gateways only through Tor).
// Gateways are public to every Sotto client, so no client auth. The service key is kept in the tor
// data directory: clients configure gateway addresses, so the address must survive restarts.
// Creation and the wait for the descriptor upload are the Tor layer's (OnionEndpoints).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OnionEndpoints, type TorControl } from '../main/tor/index.ts';

export interface GatewayOnion {
  /** `<56 base32 chars>.onion` */
  address: string;
  virtualPort: number;
  remove(): Promise<void>;
}

const KEY_FILE = 'gateway-onion.key';

async function loadKey(dataDir: string): Promise<string | undefined> {
  try {
    const key = (await readFile(join(dataDir, KEY_FILE), 'utf8')).trim();
    return key.startsWith('ED25519-V3:') ? key : undefined;
  } catch {
    return undefined;
  }
}

/** ADD_ONION with the saved key (or a new one, then saved); resolves once the descriptor is uploaded. */
export async function publishGatewayOnion(
  control: TorControl,
  opts: { localPort: number; virtualPort?: number; keyDir: string; uploadTimeoutMs?: number },
): Promise<GatewayOnion> {
  const virtualPort = opts.virtualPort ?? 80;
  const endpoints = new OnionEndpoints({ control, ...(opts.uploadTimeoutMs === undefined ? {} : { uploadTimeoutMs: opts.uploadTimeoutMs }) });
  const endpoint = await endpoints.create({
    clientAuthPublicKeys: [],
    target: { host: '127.0.0.1', port: opts.localPort },
    virtualPort,
    serviceKey: (await loadKey(opts.keyDir)) ?? 'new',
  });
  if (endpoint.privateKey !== undefined) await writeFile(join(opts.keyDir, KEY_FILE), `${endpoint.privateKey}\n`, { mode: 0o600 });
  return {
    address: endpoint.address,
    virtualPort,
    remove: async () => {
      if (!control.closed) await endpoints.remove(endpoint.serviceId).catch(() => {});
    },
  };
}
