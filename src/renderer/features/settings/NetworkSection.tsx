import { useEffect, useId, useState, type FormEvent } from 'react';
import { checkGatewayList, MAX_CONFIGURED_GATEWAYS } from '../../../ipc/network.ts';
import type { NetworkView, TorChoice } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useNetworkChoices } from '../../components/use-network-choices.ts';

const NETWORK_KINDS: { kind: NetworkView['kind']; label: string }[] = [
  { kind: 'sandbox', label: 'Local sandbox' },
  { kind: 'tor', label: 'Tor network' },
];

/** Which network this run is on, in words (`view.network`: the choice applies at each unlock). */
const RUNNING_ON: Record<NetworkView['network'], string> = {
  testbed: 'Sotto runs on the local sandbox now.',
  public: 'Sotto runs on the public Tor network now.',
};

const TOR_KINDS: { kind: TorChoice['kind']; label: string }[] = [
  { kind: 'bundled', label: 'The Tor that comes with Sotto' },
  { kind: 'system', label: 'The Tor installed on this computer' },
  { kind: 'path', label: 'This Tor program:' },
];

/** How often the open screen asks for the gateways' health (a local call). */
const HEALTH_REFRESH_MS = 3_000;

function health(g: NetworkView['gateways'][number]): string {
  const at = (ms: number) => new Date(ms).toLocaleTimeString();
  if (g.state === 'reachable' && g.lastSuccessAt !== null) return `reached at ${at(g.lastSuccessAt)}`;
  if (g.state === 'failing' && g.lastFailureAt !== null) return `not reachable at ${at(g.lastFailureAt)}`;
  return 'not tried yet';
}

/**
 * Which Tor runs and which registry gateways Sotto asks (docs/ARCHITECTURE.md "Network settings").
 * Gateways are typed one per line and checked here as on the host; each one's health is what this
 * app saw through Tor since it started.
 */
export function NetworkSection() {
  const choices = useNetworkChoices();
  const [view, setView] = useState<NetworkView | null>(null);
  const [stored, setKind] = useState<NetworkView['kind']>('sandbox');
  // Where there is no sandbox to choose, a profile that chose it (before it was moved to this
  // app) runs on the Tor network: shown, and saved, as what it runs on.
  const torOnly = choices?.sandbox === false;
  const kind = stored === 'sandbox' && torOnly ? 'tor' : stored;
  const [torKind, setTorKind] = useState<TorChoice['kind']>('bundled');
  const [torPath, setTorPath] = useState('');
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { h: useId(), gateways: useId(), path: useId(), hint: useId(), tor: useId(), kind: useId(), running: useId() };

  const show = (v: NetworkView, fill: boolean): void => {
    setView(v);
    if (!fill) return;
    setKind(v.kind);
    setTorKind(v.tor.kind);
    setTorPath(v.tor.kind === 'path' ? v.tor.path : '');
    setTyped(v.standIn ? '' : v.gateways.map((g) => g.url).join('\n'));
  };

  useEffect(() => {
    let live = true;
    unwrap(api().getNetwork()).then((v) => { if (live) show(v, true); }, (err: unknown) => { if (live) setError(toUiError(err)); });
    // Gateways taken from an invitation arrive as events; health is asked for while the screen is
    // open (it changes with every registry request: no event for that). The typed text stays.
    const off = api().onEvent((e) => { if (e.type === 'network' && live) show(e.network, false); });
    const poll = setInterval(() => {
      unwrap(api().getNetwork()).then((v) => { if (live) show(v, false); }, () => undefined);
    }, HEALTH_REFRESH_MS);
    return () => { live = false; off(); clearInterval(poll); };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(null);
    const lines = typed.split('\n');
    const checked = checkGatewayList(lines);
    if (!checked.ok) {
      setProblem(`Line ${checked.index + 1}: ${checked.reason}`);
      return;
    }
    setProblem(null);
    const tor: TorChoice = torKind === 'path' ? { kind: 'path', path: torPath } : { kind: torKind };
    unwrap(api().updateNetwork({ kind, tor, gateways: lines }))
      .then((v) => { show(v, true); setSaved(true); }, (err: unknown) => setError(toUiError(err)));
  };

  if (!view && !error) return <section><h3>Network</h3><p role="status">Loading network settings…</p></section>;
  return (
    <section aria-labelledby={ids.h}>
      <h3 id={ids.h}>Network</h3>
      <form onSubmit={submit} className="grid">
        <span id={ids.kind}>Network</span>
        <div role="radiogroup" aria-labelledby={ids.kind} aria-describedby={ids.running} className="checks">
          {NETWORK_KINDS.filter((n) => n.kind !== 'sandbox' || !torOnly).map((n) => (
            <label key={n.kind}>
              <input type="radio" name="network-kind" value={n.kind} checked={kind === n.kind} onChange={() => setKind(n.kind)} /> {n.label}
            </label>
          ))}
        </div>
        <span />
        <p id={ids.running} className="muted small">
          {view ? `${RUNNING_ON[view.network]} ` : ''}A change of network takes effect the next time you unlock.
        </p>
        <span id={ids.tor}>Tor</span>
        <div role="radiogroup" aria-labelledby={ids.tor} className="checks">
          {TOR_KINDS.map((t) => (
            <label key={t.kind}>
              <input type="radio" name="tor" value={t.kind} checked={torKind === t.kind} onChange={() => setTorKind(t.kind)} /> {t.label}
            </label>
          ))}
        </div>
        {torKind === 'path' && (
          <>
            <label htmlFor={ids.path}>Tor program</label>
            <input id={ids.path} value={torPath} onChange={(e) => setTorPath(e.target.value)} required placeholder="/usr/local/bin/tor" autoComplete="off" />
          </>
        )}
        <label htmlFor={ids.gateways}>Gateways</label>
        <textarea id={ids.gateways} value={typed} onChange={(e) => setTyped(e.target.value)} rows={3} spellCheck={false}
          aria-describedby={ids.hint} aria-invalid={problem !== null} placeholder="http://….onion" />
        <span />
        <p id={ids.hint} className="muted small">
          One gateway address per line (at most {MAX_CONFIGURED_GATEWAYS}), from someone who runs one. Your invitations carry the first four,
          so people you invite can use them too. A change to Tor takes effect the next time you unlock.
        </p>
        <span />
        <div className="row"><button type="submit">Save network settings</button></div>
      </form>
      {problem && <p role="alert" className="error">{problem}</p>}
      {view && view.gateways.length > 0 && (
        <>
          {view.standIn && <p className="muted small">Using the test network's gateways until you add your own.</p>}
          {view.gatewaysFrom && <p className="small">These gateways came with {view.gatewaysFrom}'s invitation. You can change them.</p>}
          <ul aria-label="Gateway health" className="small">
            {view.gateways.map((g) => (
              <li key={g.url}><code>{g.url}</code> — {health(g)}{g.state === 'failing' && g.lastFailureCode ? <small className="error-code"> ({g.lastFailureCode})</small> : null}</li>
            ))}
          </ul>
        </>
      )}
      {view && view.gateways.length === 0 && <p className="muted small">No gateway yet: until you add one (or accept an invitation that brings some), contacts cannot find you.</p>}
      <p role="status" className="small">{saved ? 'Saved.' : ''}</p>
      <ErrorText error={error} />
    </section>
  );
}
