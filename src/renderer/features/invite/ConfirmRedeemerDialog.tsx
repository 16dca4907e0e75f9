import { useState } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

/** "Dara wants to connect": compare the fingerprint out of band, then Confirm or Decline. */
export function ConfirmRedeemerDialog({ invitationId, onClose }: { invitationId: string; onClose(): void }) {
  const invitation = useStore((s) => s.invitations[invitationId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const who = invitation?.redeemer;
  const name = who?.displayName || 'Someone';

  const act = async (verb: 'confirm' | 'decline') => {
    setBusy(true);
    setError(null);
    try {
      const s = useStore.getState();
      if (verb === 'confirm') s.upsertContact(await unwrap(api().confirmInvitation({ id: invitationId })));
      else s.upsertInvitation(await unwrap(api().declineInvitation({ id: invitationId })));
      onClose();
    } catch (err) {
      setError(toUiError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`${name} wants to connect`} onClose={onClose}>
      {!who || invitation.state !== 'awaiting-confirmation'
        ? <p>This invitation is no longer waiting for you.</p>
        : (
          <>
            <p>They used your invitation. Before you confirm, ask them (in person or on a call) to read out their fingerprint and check it matches.</p>
            <dl className="facts">
              <dt>Name</dt><dd>{name}</dd>
              <dt>Fingerprint</dt><dd className="digits">{who.fingerprint}</dd>
            </dl>
          </>
        )}
      <ErrorText error={error} />
      <div className="dialog-actions">
        <button type="button" className="danger" disabled={busy || !who} onClick={() => void act('decline')}>Decline</button>
        <button type="button" className="primary" disabled={busy || !who} onClick={() => void act('confirm')}>Confirm</button>
      </div>
    </Dialog>
  );
}
