import { useStore } from '../../store/index.ts';

/** "Tor: connected · 2 gateways" (UI.md main window footer). */
export function networkLine(tor: { ready: boolean; progress: number }, gateways: number | null): string {
  const torPart = tor.ready ? 'Tor: connected' : `Tor: connecting… ${Math.round(tor.progress)}%`;
  if (gateways === null) return torPart;
  return `${torPart} · ${gateways} ${gateways === 1 ? 'gateway' : 'gateways'}`;
}

export function NetworkStatus() {
  const ready = useStore((s) => s.tor.ready);
  const progress = useStore((s) => s.tor.progress);
  const gateways = useStore((s) => s.gateways);
  return (
    <p role="status" aria-label="Network status" className={ready ? 'network-line' : 'network-line connecting'}>
      {networkLine({ ready, progress }, gateways)}
    </p>
  );
}
