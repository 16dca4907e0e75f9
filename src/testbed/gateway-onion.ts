// Publishes a registry gateway as an onion service without client auth (gateways are public to
// every Sotto client; DESIGN D4) through the testbed's client tor, and resolves once tor reports
// the descriptor uploaded (HS_DESC UPLOADED), so clients can reach it right after.
import type { TorControl, ControlEvent } from '../main/tor/control.ts';

export interface PublishedOnion {
  /** 56-character v3 address without ".onion". */
  serviceId: string;
  remove(): Promise<void>;
}

export async function publishGatewayOnion(
  control: TorControl,
  target: { port: number; virtualPort?: number; clientAuthKeys?: readonly string[] },
  opts: { signal?: AbortSignal; uploadTimeoutMs?: number } = {},
): Promise<PublishedOnion> {
  const uploaded = new Set<string>();
  const waiters = new Map<string, () => void>();
  const onEvent = (e: ControlEvent): void => {
    if (e.name !== 'HS_DESC') return;
    const [action, address] = e.text.split(' ');
    if (action !== 'UPLOADED' || address === undefined) return;
    uploaded.add(address);
    waiters.get(address)?.();
  };
  control.on('event', onEvent);
  const unsubscribe = await control.subscribe('HS_DESC', { signal: opts.signal });
  try {
    // Detach: the onion must outlive this control connection's command; DiscardPK: the key is
    // never needed again (a new address every testbed run).
    // V3Auth + ClientAuthV3 (52-char base32 x25519 public keys) when the smoke test needs a
    // client-auth endpoint; tor rejects ClientAuthV3 without the V3Auth flag.
    const auth = target.clientAuthKeys ?? [];
    const flags = auth.length > 0 ? 'DiscardPK,Detach,V3Auth' : 'DiscardPK,Detach';
    const clientAuth = auth.map((k) => ` ClientAuthV3=${k}`).join('');
    const reply = await control.command(
      `ADD_ONION NEW:ED25519-V3 Flags=${flags}${clientAuth} Port=${target.virtualPort ?? 80},127.0.0.1:${target.port}`,
      { signal: opts.signal },
    );
    const serviceId = reply.lines.map((l) => /^ServiceID=([a-z2-7]{56})$/.exec(l.text)?.[1]).find((id) => id !== undefined);
    if (serviceId === undefined) throw new Error('ADD_ONION reply without ServiceID');
    if (!uploaded.has(serviceId)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`descriptor of ${serviceId} not uploaded`)), opts.uploadTimeoutMs ?? 30_000);
        waiters.set(serviceId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return {
      serviceId,
      remove: async () => {
        if (!control.closed) await control.command(`DEL_ONION ${serviceId}`).catch(() => {});
      },
    };
  } finally {
    control.off('event', onEvent);
    await unsubscribe().catch(() => {});
  }
}
