import { useId } from 'react';
import type { ContactInfo } from '../../ipc/contract.ts';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';
import { SavedCheckbox } from '../../components/SavedCheckbox.tsx';
import { contactName } from '../contacts/presence.ts';

/** "<Nick> can see me": per-contact visibility (invisible = they see us offline). */
export function VisibilityToggle({ contact, onError }: { contact: ContactInfo; onError(err: unknown): void }) {
  const id = useId();
  const hintId = useId();
  const toggle = (visible: boolean) => unwrap(api().updateContact({ id: contact.id, visible }))
    .then((c) => useStore.getState().upsertContact(c))
    .catch(onError);
  const name = contactName(contact);
  const usable = contact.phase === 'confirmed' || contact.phase === 'pending';
  return (
    <div className="visibility">
      <SavedCheckbox id={id} checked={contact.visible} disabled={!usable} aria-describedby={hintId} onSave={toggle} />
      <label htmlFor={id}>{name} can see me</label>
      <span id={hintId} className={contact.visible && usable ? 'muted small' : 'hidden-note small'}>
        {!usable ? `${name} is ${contact.phase} and can't see you.` : contact.visible ? `${name} sees when you're online.` : `${name} can't see you now.`}
      </span>
    </div>
  );
}
