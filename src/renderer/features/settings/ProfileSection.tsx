import { useId, useState, type FormEvent } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useStore } from '../../store/index.ts';
import { ContactCodeQr } from './ContactCodeQr.tsx';

export function ProfileSection() {
  const profile = useStore((s) => s.profile);
  const [name, setName] = useState(profile?.displayName ?? '');
  const [error, setError] = useState<UiError | null>(null);
  const id = useId();
  const save = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    unwrap(api().setDisplayName({ displayName: name }))
      .then((p) => useStore.getState().setProfile(p))
      .catch((err) => setError(toUiError(err)));
  };
  if (!profile) return null;
  return (
    <section aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>You</h3>
      <form onSubmit={save}>
        <label htmlFor={id}>Display name</label>
        <div className="row">
          <input id={id} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required />
          <button type="submit" disabled={name === profile.displayName}>Save name</button>
        </div>
      </form>
      <ErrorText error={error} />
      <dl className="facts">
        <dt>Your contact code</dt><dd className="digits">{profile.contactCode}</dd>
        <dt>Your fingerprint</dt><dd className="digits">{profile.fingerprint}</dd>
      </dl>
      <p className="muted small">Anyone with your contact code can make an invitation that only you can accept. It does not show when you're online.</p>
      <CopyButton text={profile.contactCode} label="Copy contact code" />
      <ContactCodeQr code={profile.contactCode} />
    </section>
  );
}
