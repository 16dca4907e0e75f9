import { useStore } from '../../store/index.ts';

/**
 * "Tor: connected" (UI.md main window footer). The gateway count UI.md shows next to it needs the
 * network settings, which the IPC contract does not carry yet.
 */
export function networkLine(tor: { ready: boolean; progress: number }): string {
  return tor.ready ? 'Tor: connected' : `Tor: connecting… ${Math.round(tor.progress)}%`;
}

export function NetworkStatus() {
  const ready = useStore((s) => s.tor.ready);
  const progress = useStore((s) => s.tor.progress);
  return (
    <p role="status" aria-label="Network status" className={ready ? 'network-line' : 'network-line connecting'}>
      {networkLine({ ready, progress })}
    </p>
  );
}
