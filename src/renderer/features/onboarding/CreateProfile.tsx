import { useId, useState, type FormEvent } from 'react';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { PassphraseStrength } from './PassphraseStrength.tsx';
import { NetworkChoice, type NetworkChoiceValue } from './NetworkChoice.tsx';
import { passphraseStrength } from './strength.ts';

export function CreateProfile() {
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [step, setStep] = useState<'profile' | 'network'>('profile');
  const ids = { name: useId(), pass: useId(), repeat: useId(), mismatch: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (passphrase !== repeat) { setMismatch(true); return; }
    setMismatch(false);
    setError(null);
    // Say it now rather than after the network step; the core checks again and decides.
    if (!(await passphraseStrength(passphrase, [name])).acceptable) {
      setError(new UiError('WEAK_PASSPHRASE', 'below the minimum strength'));
      return;
    }
    setStep('network');
  };
  const create = async (network: NetworkChoiceValue) => {
    setBusy(true);
    setError(null);
    try {
      // The choice goes with the profile: it is stored before the first start picks the network.
      const profile = await unwrap(api().createProfileOnNetwork({ displayName: name, passphrase, network }));
      useStore.getState().setStartError(null);
      useStore.getState().setProfile(profile);
    } catch (err) {
      const e = toUiError(err);
      setError(e);
      // A gateway the host refused: nothing was created, the addresses are still on the network step.
      if (e.code === 'BAD_GATEWAY_URL') return;
      // If the profile was written but could not start, the unlock screen comes next: tell it why.
      useStore.getState().setStartError({ code: e.code, message: e.message });
      setStep('profile');
    } finally {
      setBusy(false);
    }
  };

  if (step === 'network') return <NetworkChoice busy={busy} error={error} onContinue={(network) => void create(network)} />;
  return (
    <main className="onboarding">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>Create your profile</h1>
        <p className="muted">Only the contacts you choose can see that you're online. Your profile stays on this computer, locked with your passphrase.</p>
        <label htmlFor={ids.name}>Your name</label>
        <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="nickname" required maxLength={64} autoFocus />
        <label htmlFor={ids.pass}>Passphrase</label>
        <input id={ids.pass} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="new-password" required />
        <PassphraseStrength passphrase={passphrase} userInputs={[name]} />
        <label htmlFor={ids.repeat}>Repeat passphrase</label>
        <input id={ids.repeat} type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" required
          aria-invalid={mismatch} aria-describedby={mismatch ? ids.mismatch : undefined} />
        {mismatch && <p id={ids.mismatch} role="alert" className="error">The two passphrases are different. Type them again.</p>}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>Create profile</button>
      </form>
    </main>
  );
}
