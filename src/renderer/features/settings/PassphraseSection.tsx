import { useId, useState, type FormEvent } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { PassphraseStrength } from '../onboarding/PassphraseStrength.tsx';

export function PassphraseSection() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [done, setDone] = useState(false);
  const ids = { h: useId(), cur: useId(), next: useId() };
  const change = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    unwrap(api().changePassphrase({ current, next }))
      .then(() => { setDone(true); setCurrent(''); setNext(''); })
      .catch((err) => setError(toUiError(err)));
  };
  return (
    <section aria-labelledby={ids.h}>
      <h3 id={ids.h}>Passphrase</h3>
      <form onSubmit={change}>
        <label htmlFor={ids.cur}>Current passphrase</label>
        <input id={ids.cur} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" required />
        <label htmlFor={ids.next}>New passphrase</label>
        <input id={ids.next} type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" required />
        <PassphraseStrength passphrase={next} />
        <button type="submit">Change passphrase</button>
        <p role="status" className="small">{done ? 'Passphrase changed.' : ''}</p>
      </form>
      <ErrorText error={error} />
    </section>
  );
}
