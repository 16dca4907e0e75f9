// Publishes the gateway as an onion service (DESIGN D4: clients reach gateways only through Tor).
// Gateways are public to every Sotto client, so no client auth. The service key is kept in the tor
// data directory: clients configure gateway addresses, so the address must survive restarts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControlEvent, TorControl } from '../main/tor/control.ts';

export interface GatewayOnion {
  /** `<56 base32 chars>.onion` */
  address: string;
  virtualPort: number;
  remove(): Promise<void>;
}

const KEY_FILE = 'gateway-onion.key';
const KEY_FORM = /^ED25519-V3:[A-Za-z0-9+/=]{80,100}$/;

async function loadKey(dataDir: string): Promise<string | undefined> {
  try {
    const key = (await readFile(join(dataDir, KEY_FILE), 'utf8')).trim();
    return KEY_FORM.test(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * ADD_ONION (Detach, so the service outlives this control command), then waits for HS_DESC
 * UPLOADED: before that, clients get SOCKS 0xF0-0xF3 (TESTBED-NOTES).
 */
export async function publishGatewayOnion(
  control: TorControl,
  opts: { localPort: number; virtualPort?: number; keyDir: string; uploadTimeoutMs?: number },
): Promise<GatewayOnion> {
  const virtualPort = opts.virtualPort ?? 80;
  const uploaded = new Set<string>();
  let onUploaded: ((serviceId: string) => void) | undefined;
  const onEvent = (e: ControlEvent): void => {
    if (e.name !== 'HS_DESC') return;
    const [action, serviceId] = e.text.split(' ');
    if (action !== 'UPLOADED' || serviceId === undefined) return;
    uploaded.add(serviceId);
    onUploaded?.(serviceId);
  };
  control.on('event', onEvent);
  const unsubscribe = await control.subscribe('HS_DESC');
  try {
    const saved = await loadKey(opts.keyDir);
    const reply = await control.command(
      `ADD_ONION ${saved ?? 'NEW:ED25519-V3'} Flags=Detach Port=${virtualPort},127.0.0.1:${opts.localPort}`,
    );
    let serviceId: string | undefined;
    let privateKey: string | undefined;
    for (const line of reply.lines) {
      serviceId ??= /^ServiceID=([a-z2-7]{56})$/.exec(line.text)?.[1];
      privateKey ??= /^PrivateKey=(ED25519-V3:\S+)$/.exec(line.text)?.[1];
    }
    if (serviceId === undefined) throw new Error('ADD_ONION reply without ServiceID');
    if (privateKey !== undefined) await writeFile(join(opts.keyDir, KEY_FILE), `${privateKey}\n`, { mode: 0o600 });
    const id = serviceId;
    if (!uploaded.has(id)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('onion descriptor was not uploaded in time')), opts.uploadTimeoutMs ?? 120_000);
        onUploaded = (uploadedId) => {
          if (uploadedId !== id) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return {
      address: `${id}.onion`,
      virtualPort,
      remove: async () => {
        if (!control.closed) await control.command(`DEL_ONION ${id}`).catch(() => {});
      },
    };
  } finally {
    control.off('event', onEvent);
    await unsubscribe().catch(() => {});
  }
}
