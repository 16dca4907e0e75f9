import { useId, useState, type FormEvent } from 'react';
import type { SettingsView } from '../../ipc/contract.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useSaveSettings } from './use-save.ts';

/**
 * The user's own mail server for "Send by e-mail". The password is write-only: the host stores it
 * and never sends it back (the view says only whether one is set); leaving the field empty keeps it.
 */
export function SmtpSection({ smtp }: { smtp: SettingsView['smtp'] }) {
  const { save, error, saved } = useSaveSettings();
  const [host, setHost] = useState(smtp?.host ?? '');
  const [port, setPort] = useState(String(smtp?.port ?? 587));
  const [secure, setSecure] = useState(smtp?.secure ?? false);
  const [requireTLS, setRequireTLS] = useState(smtp?.requireTLS ?? true);
  const [user, setUser] = useState(smtp?.user ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(smtp?.from ?? '');
  const ids = { h: useId(), host: useId(), port: useId(), secure: useId(), tls: useId(), user: useId(), pass: useId(), from: useId() };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({
      smtp: { host, port: Number(port), secure, requireTLS, user, from, ...(password === '' ? {} : { password }) },
    }).then((ok) => { if (ok) setPassword(''); });
  };
  return (
    <section aria-labelledby={ids.h}>
      <h3 id={ids.h}>E-mail (SMTP)</h3>
      <p className="muted small">To send invitations from Sotto, enter your own mail server. Without it, "Send by e-mail" opens a draft in your mail program.</p>
      <form onSubmit={submit} className="grid">
        <label htmlFor={ids.host}>SMTP server</label>
        <input id={ids.host} value={host} onChange={(e) => setHost(e.target.value)} required autoComplete="off" />
        <label htmlFor={ids.port}>SMTP port</label>
        <input id={ids.port} type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} required className="narrow" />
        <label htmlFor={ids.user}>SMTP user</label>
        <input id={ids.user} value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
        <label htmlFor={ids.pass}>SMTP password</label>
        <input id={ids.pass} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password"
          placeholder={smtp?.passwordSet ? 'Stored — type to replace' : 'Not set'} />
        <label htmlFor={ids.from}>Sender address</label>
        <input id={ids.from} type="email" value={from} onChange={(e) => setFrom(e.target.value)} required />
        <span />
        <div className="checks">
          <input id={ids.secure} type="checkbox" checked={secure} onChange={(e) => setSecure(e.target.checked)} />
          <label htmlFor={ids.secure}>Use TLS from the start (port 465)</label>
          <input id={ids.tls} type="checkbox" checked={requireTLS} onChange={(e) => setRequireTLS(e.target.checked)} />
          <label htmlFor={ids.tls}>Require TLS</label>
        </div>
        <span />
        <div className="row">
          <button type="submit">Save settings</button>
          {smtp && <button type="button" onClick={() => void save({ smtp: null })}>Forget mail server</button>}
        </div>
      </form>
      <p role="status" className="small">{saved ? 'Saved.' : ''}</p>
      <ErrorText error={error} />
    </section>
  );
}
