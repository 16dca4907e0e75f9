import { useId, useState, type FormEvent } from 'react';
import { gatewayListProblems, MAX_CONFIGURED_GATEWAYS, type GatewayProblem } from '../../../ipc/network.ts';
import type { UiError } from '../../ipc/call.ts';
import type { NetworkView } from '../../ipc/contract.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useNetworkChoices } from '../../components/use-network-choices.ts';

export type NetworkKind = NetworkView['kind'];
/** What the new profile starts with (createProfileOnNetwork's `network`). */
export interface NetworkChoiceValue { kind: NetworkKind; gateways: string[] }

/**
 * Onboarding step between "Create profile" and the first start: which network to join
 * (docs/ARCHITECTURE.md "Network settings"). The local sandbox is the test network the host was
 * started with; the Tor network is the public one, always, with the registry gateways typed here
 * (checked line by line as the host checks them: a bad line is said in words, its code in small
 * print, and nothing is sent). The choice is stored with the profile and can be changed in
 * Settings › Network. An app started without a test network (an installed one) offers only the
 * Tor network.
 */
export function NetworkChoice({ onContinue, busy, error }: { onContinue(choice: NetworkChoiceValue): void; busy: boolean; error: UiError | null }) {
  const choices = useNetworkChoices();
  // Until the host answers, both are drawn (Continue waits for the answer).
  const torOnly = choices?.sandbox === false;
  const [picked, setKind] = useState<NetworkKind | null>(null);
  const kind: NetworkKind = picked ?? (torOnly ? 'tor' : 'sandbox');
  const [typed, setTyped] = useState('');
  const [problems, setProblems] = useState<GatewayProblem[]>([]);
  const ids = { group: useId(), gateways: useId(), hint: useId(), problems: useId(), note: useId() };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (kind === 'sandbox') { onContinue({ kind, gateways: [] }); return; }
    const lines = typed.split('\n');
    const found = gatewayListProblems(lines);
    setProblems(found);
    if (found.length === 0) onContinue({ kind, gateways: lines.filter((l) => l.trim() !== '') });
  };

  return (
    <main className="onboarding">
      <form className="card" onSubmit={submit}>
        <h1>{torOnly ? 'Tor network' : 'Choose a network'}</h1>
        {torOnly ? (
          <p id={ids.note} className="muted">Sotto joins the public Tor network, through registry gateways someone you trust runs.</p>
        ) : (
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
          <p id={ids.note} className="muted small">The public Tor network, through registry gateways someone you trust runs.</p>
        </div>
        )}
        {kind === 'tor' && (
          <>
            <label htmlFor={ids.gateways}>Gateway addresses</label>
            <textarea id={ids.gateways} value={typed} onChange={(e) => setTyped(e.target.value)} rows={3} spellCheck={false} autoComplete="off"
              placeholder="http://….onion" aria-invalid={problems.length > 0}
              aria-describedby={problems.length > 0 ? `${ids.problems} ${ids.hint}` : ids.hint} />
            <p id={ids.hint} className="muted small">
              One address per line (at most {MAX_CONFIGURED_GATEWAYS}), from someone who runs a gateway. No address yet? Continue anyway:
              an invitation you accept brings its sender's. You can change them in Settings › Network.
            </p>
            {problems.length > 0 && (
              // The alert wraps the list: role="alert" on the <ul> itself would hide its items' list role.
              <div id={ids.problems} role="alert" className="error">
                <ul>
                  {problems.map((p) => (
                    <li key={p.index}>Line {p.index + 1}: {p.reason} <small className="error-code">({p.code})</small></li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy || choices === null}>{busy ? 'Starting…' : 'Continue'}</button>
      </form>
    </main>
  );
}
