import { useId, useState, type FormEvent } from 'react';
import type { ChannelInput, ContactInfo } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { SavedCheckbox } from '../../components/SavedCheckbox.tsx';
import { useStore } from '../../store/index.ts';
import { VisibilityToggle } from '../privacy/VisibilityToggle.tsx';
import { contactName } from './presence.ts';

type Destructive = 'block' | 'unblock' | 'revoke' | 'delete';

const STEPS: Record<Destructive, { verb: string; body: (n: string) => string }> = {
  block: { verb: 'Block', body: (n) => `${n} won't see you online and can't send you messages until you unblock them.` },
  unblock: { verb: 'Unblock', body: (n) => `${n} can send you messages again, and sees you online if you're visible to them.` },
  revoke: { verb: 'Revoke', body: (n) => `This ends the contact with ${n} for good: neither of you can reach the other any more. To talk again you need a new invitation.` },
  delete: { verb: 'Delete', body: (n) => `This removes ${n} and your conversation from this computer.` },
};

/** Nickname, verification, visibility, opt-ins and the destructive steps, each confirmed. */
export function ContactDetails({ contactId, onClose }: { contactId: string; onClose(): void }) {
  const contact = useStore((s) => s.contacts[contactId]);
  const [error, setError] = useState<UiError | null>(null);
  const [pending, setPending] = useState<Destructive | null>(null);
  const [nickname, setNickname] = useState(contact?.nickname ?? '');
  const ids = { nick: useId(), receipts: useId(), typing: useId() };

  if (!contact) {
    return <Dialog title="Contact removed" onClose={onClose}><p>This contact is no longer in your list.</p><button type="button" onClick={onClose}>Close</button></Dialog>;
  }
  const name = contactName(contact);
  const update = (change: Omit<ChannelInput<'updateContact'>, 'id'>): Promise<void> => {
    setError(null);
    return unwrap(api().updateContact({ id: contactId, ...change }))
      .then((c) => useStore.getState().upsertContact(c))
      .catch((err) => setError(toUiError(err)));
  };
  const saveNickname = (e: FormEvent) => { e.preventDefault(); void update({ nickname }); };
  const runDestructive = async (step: Destructive) => {
    setPending(null);
    setError(null);
    try {
      const s = useStore.getState();
      if (step === 'delete') {
        await unwrap(api().deleteContact({ id: contactId }));
        s.removeContact(contactId);
        onClose();
        return;
      }
      const call: Record<Exclude<Destructive, 'delete'>, (i: { id: string }) => Promise<ContactInfo>> = {
        block: (i) => unwrap(api().blockContact(i)), unblock: (i) => unwrap(api().unblockContact(i)), revoke: (i) => unwrap(api().revokeContact(i)),
      };
      s.upsertContact(await call[step]({ id: contactId }));
    } catch (err) {
      setError(toUiError(err));
    }
  };

  return (
    <Dialog title={name} onClose={onClose} className="wide">
      <form onSubmit={saveNickname}>
        <label htmlFor={ids.nick}>Nickname</label>
        <div className="row">
          <input id={ids.nick} value={nickname} onChange={(e) => setNickname(e.target.value)} maxLength={64} />
          <button type="submit" disabled={nickname === contact.nickname}>Save nickname</button>
        </div>
      </form>
      <dl className="facts">
        <dt>Fingerprint</dt><dd className="digits">{contact.fingerprint}</dd>
        <dt>Safety number</dt><dd className="digits">{contact.safetyNumber}</dd>
      </dl>
      {contact.verified
        ? <p className="verified">Verified: you compared the safety number with {name}.</p>
        : (
          <div className="row">
            <p className="muted">Compare the safety number with {name} in person or on a call. If it matches, mark it verified.</p>
            <button type="button" onClick={() => void update({ verified: true })}>Mark as verified</button>
          </div>
        )}
      <VisibilityToggle contact={contact} onError={(err) => setError(toUiError(err))} />
      <div className="checks">
        <SavedCheckbox id={ids.receipts} checked={contact.receipts} onSave={(receipts) => update({ receipts })} />
        <label htmlFor={ids.receipts}>Send read receipts to {name}</label>
        <SavedCheckbox id={ids.typing} checked={contact.typing} onSave={(typing) => update({ typing })} />
        <label htmlFor={ids.typing}>Send typing indicator to {name}</label>
      </div>
      <ErrorText error={error} />
      <div className="dialog-actions">
        {contact.phase === 'blocked'
          ? <button type="button" onClick={() => setPending('unblock')}>Unblock</button>
          : <button type="button" className="danger" onClick={() => setPending('block')} disabled={contact.phase === 'revoked'}>Block</button>}
        <button type="button" className="danger" onClick={() => setPending('revoke')} disabled={contact.phase === 'revoked'}>Revoke</button>
        <button type="button" className="danger" onClick={() => setPending('delete')}>Delete contact</button>
        <button type="button" onClick={onClose}>Close</button>
      </div>
      {pending && (
        <ConfirmDialog title={`${STEPS[pending].verb} ${name}?`} body={STEPS[pending].body(name)} verb={STEPS[pending].verb}
          destructive={pending !== 'unblock'} onConfirm={() => void runDestructive(pending)} onCancel={() => setPending(null)} />
      )}
    </Dialog>
  );
}
