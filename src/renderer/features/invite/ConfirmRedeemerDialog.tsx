import { Fragment, useState } from 'react';
import type { InvitationInfo } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';

type Redeemer = NonNullable<InvitationInfo['redeemer']>;

/**
 * What the inviter compares before confirming, as dt/dd pairs (label, text, set in digits): the
 * redeemer's fingerprint, and the pair's safety number that both sides see alike.
 */
export function redeemerFacts(who: Redeemer): [string, string, boolean][] {
  return [['Name', who.displayName || 'Someone', false], ['Fingerprint', who.fingerprint, true], ['Safety number', who.safetyNumber, true]];
}

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
            <p>They used your invitation. Before you confirm, ask them (in person or on a call) to read out their fingerprint or your safety number and check it matches.</p>
            <dl className="facts">
              {redeemerFacts(who).map(([label, text, digits]) => (
                <Fragment key={label}><dt>{label}</dt><dd className={digits ? 'digits' : undefined}>{text}</dd></Fragment>
              ))}
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
