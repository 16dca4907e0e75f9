import { useEffect, useState } from 'react';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';

/**
 * "Tor: connected · 3 gateways" (UI.md main window footer): Tor from the bootstrap events, the
 * gateway count from the network settings (getNetwork, then `network` events when they change);
 * until those are read, or if they cannot be, the line speaks of Tor only.
 */
export function networkLine(tor: { ready: boolean; progress: number }, gateways: number | null = null): string {
  const line = tor.ready ? 'Tor: connected' : `Tor: connecting… ${Math.round(tor.progress)}%`;
  if (gateways === null) return line;
  return `${line} · ${gateways === 0 ? 'no gateways' : gateways === 1 ? '1 gateway' : `${gateways} gateways`}`;
}

export function NetworkStatus() {
  const ready = useStore((s) => s.tor.ready);
  const progress = useStore((s) => s.tor.progress);
  const [gateways, setGateways] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    // A failed read leaves the count out: the footer is not where a network error is explained
    // (Settings › Network shows the gateways and their health).
    unwrap(api().getNetwork()).then((v) => { if (live) setGateways(v.gateways.length); }, () => undefined);
    const off = api().onEvent((e) => { if (e.type === 'network' && live) setGateways(e.network.gateways.length); });
    return () => { live = false; off(); };
  }, []);
  return (
    <p role="status" aria-label="Network status" className={ready ? 'network-line' : 'network-line connecting'}>
      {networkLine({ ready, progress }, gateways)}
    </p>
  );
}
