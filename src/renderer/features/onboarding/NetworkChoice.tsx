import { useId, useState, type FormEvent } from 'react';

export type NetworkKind = 'sandbox' | 'tor';

/**
 * Onboarding step between "Create profile" and the first start: which network to join. The host
 * chooses the network when it starts (a testbed description, or the local sandbox); this step
 * shows that choice. The public network's tor and gateways are set in Settings > Network once the
 * profile exists, on a host started with `--network public` (docs/ARCHITECTURE.md "Network settings").
 */
export function NetworkChoice({ onContinue, busy }: { onContinue(kind: NetworkKind): void; busy: boolean }) {
  const [kind, setKind] = useState<NetworkKind>('sandbox');
  const ids = { group: useId(), gateways: useId(), note: useId() };
  const submit = (e: FormEvent) => { e.preventDefault(); onContinue(kind); };
  return (
    <main className="onboarding">
      <form className="card" onSubmit={submit}>
        <h1>Choose a network</h1>
        <div role="radiogroup" aria-labelledby={ids.group} className="network-choice">
          <span id={ids.group} className="group-label">Network</span>
          <label className="radio">
            <input type="radio" name="network" value="sandbox" checked={kind === 'sandbox'} onChange={() => setKind('sandbox')} />
            Local sandbox
          </label>
          <p className="muted small">A private test network on this computer, the one Sotto was started with. Good for trying Sotto out.</p>
          <label className="radio">
            <input type="radio" name="network" value="tor" checked={kind === 'tor'} onChange={() => setKind('tor')} aria-describedby={ids.note} />
            Tor network
          </label>
          <p id={ids.note} className="muted small">The public Tor network, through registry gateways someone you trust runs. Start Sotto with --network public, then add the gateways in Settings › Network (or accept an invitation that brings them).</p>
        </div>
        <button type="submit" className="primary" disabled={busy || kind !== 'sandbox'}>{busy ? 'Starting…' : 'Continue'}</button>
      </form>
    </main>
  );
}
