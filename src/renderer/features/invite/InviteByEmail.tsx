import { useId, useState, type FormEvent } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

/**
 * "Send by e-mail": through the user's SMTP server when one is set up in the settings (the host
 * keeps its password), else a mailto: draft the person sends from their own mail program.
 */
export function InviteByEmail({ invitationId }: { invitationId: string }) {
  const smtp = useStore((s) => s.settings?.smtp ?? null);
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [mailto, setMailto] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const id = useId();

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      if (smtp) {
        await unwrap(api().sendInvitationEmail({ id: invitationId, to }));
        setSent(to);
      } else {
        const draft = await unwrap(api().invitationEmail({ id: invitationId, ...(to ? { to } : {}) }));
        setMailto(draft.mailtoUrl);
      }
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="invite-email" onSubmit={send}>
      <label htmlFor={id}>Their e-mail address</label>
      <div className="row">
        <input id={id} type="email" value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" required={smtp !== null} />
        <button type="submit" disabled={busy}>Send by e-mail</button>
      </div>
      <p role="status" className="small">
        {sent ? `Invitation sent to ${sent}.` : ''}
        {mailto && !sent ? <>Your draft is ready: <a href={mailto}>open it in your mail program</a>.</> : ''}
      </p>
      <ErrorText error={error} />
    </form>
  );
}
