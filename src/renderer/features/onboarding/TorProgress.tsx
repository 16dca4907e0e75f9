import { useId } from 'react';
import { useStore } from '../../store/index.ts';

/** "Connecting to Tor… 45% · Loading relay descriptors" (UI.md flow 1). */
export function torProgressText(progress: number, summary: string): string {
  if (progress <= 0) return 'Starting Tor…';
  const pct = `${Math.round(progress)}%`;
  return summary ? `Connecting to Tor… ${pct} · ${summary}` : `Connecting to Tor… ${pct}`;
}

export function TorProgress({ compact = false }: { compact?: boolean }) {
  const progress = useStore((s) => s.tor.progress);
  const summary = useStore((s) => s.tor.summary);
  const textId = useId();
  const bar = (
    <div className={compact ? 'tor-progress compact' : 'tor-progress'}>
      <progress max={100} value={progress} aria-label="Connecting to Tor" aria-describedby={textId} />
      <p id={textId} role="status">{torProgressText(progress, summary)}</p>
    </div>
  );
  if (compact) return bar;
  return (
    <main className="onboarding">
      <div className="card">
        <h1>Connecting</h1>
        <p className="muted">Sotto reaches your contacts only through Tor, so nobody else learns when you're online.</p>
        {bar}
      </div>
    </main>
  );
}
