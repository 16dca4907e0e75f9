import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { InvitationInfo } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { useStore } from '../../store/index.ts';
import { expiryWords } from './expiry.ts';
import { InviteByEmail } from './InviteByEmail.tsx';

async function withQr(invitation: InvitationInfo): Promise<{ invitation: InvitationInfo; qr: string }> {
  const qr = await unwrap(api().invitationQr({ id: invitation.id, format: 'png' }));
  return { invitation, qr: `data:image/png;base64,${qr.data}` };
}

/** A new open invitation shown as a large QR code and a link (UI.md flow 2), or a sealed one. */
export function InviteDialog({ onClose }: { onClose(): void }) {
  const [shown, setShown] = useState<{ invitation: InvitationInfo; qr: string } | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [code, setCode] = useState('');
  const [nick, setNick] = useState('');
  const started = useRef(false);
  const ids = { link: useId(), code: useId(), nick: useId() };

  useEffect(() => {
    if (started.current) return; // one invitation per opening, also under a double effect run
    started.current = true;
    unwrap(api().createInvitation({ kind: 'open' }))
      .then(withQr)
      .then((s) => { useStore.getState().upsertInvitation(s.invitation); setShown(s); })
      .catch((err) => setError(toUiError(err)));
  }, []);

  const sealed = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await withQr(await unwrap(api().createInvitation({ kind: 'sealed', contactCode: code, ...(nick.trim() ? { nickname: nick.trim() } : {}) })));
      useStore.getState().upsertInvitation(s.invitation);
      setShown(s);
    } catch (err) {
      setError(toUiError(err));
    }
  };

  const inv = shown?.invitation;
  return (
    <Dialog title="Invite someone" onClose={onClose} className="wide">
      {shown && inv ? (
        <>
          <p>{inv.kind === 'sealed' ? 'This invitation only works for the contact code you entered.' : 'Let them scan this code, or send them the link.'}</p>
          <img className="qr" src={shown.qr} alt="Invitation QR code" width={320} height={320} />
          <label htmlFor={ids.link}>Invitation link</label>
          <div className="row">
            <input id={ids.link} readOnly value={inv.link} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={inv.link} label="Copy link" />
          </div>
          <p className="muted">{expiryWords(inv.expiresAt, Date.now())}</p>
          <InviteByEmail key={inv.id} invitationId={inv.id} />
        </>
      ) : !error && <p role="status">Making an invitation…</p>}
      <ErrorText error={error} />
      <details className="sealed">
        <summary>Invite by their contact code</summary>
        <form onSubmit={sealed}>
          <label htmlFor={ids.nick}>Their name (for your list)</label>
          <input id={ids.nick} value={nick} onChange={(e) => setNick(e.target.value)} maxLength={64} autoComplete="off" />
          <label htmlFor={ids.code}>Their contact code</label>
          <div className="row">
            <input id={ids.code} value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} required />
            <button type="submit">Create invitation for this code</button>
          </div>
        </form>
      </details>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
