import { useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../../ipc/api.ts';
import { UiError, toUiError, unwrap } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

export function Unlock() {
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(() => {
    const e = useStore.getState().startError;
    return e ? new UiError(e.code, e.message) : null;
  });
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const profile = await unwrap(api().unlock({ passphrase }));
      useStore.getState().setStartError(null);
      useStore.getState().setProfile(profile);
    } catch (err) {
      // Wrong passphrase: say so, clear the field and keep the focus there for the retry.
      setError(toUiError(err));
      setPassphrase('');
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="onboarding">
      <form className="card" onSubmit={submit}>
        <h1>Unlock Sotto</h1>
        <label htmlFor={id}>Passphrase</label>
        <input ref={input} id={id} type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
          autoComplete="current-password" required autoFocus aria-invalid={error !== null} />
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Unlocking…' : 'Unlock'}</button>
      </form>
    </main>
  );
}
