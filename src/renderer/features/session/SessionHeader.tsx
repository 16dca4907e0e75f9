import type { ContactInfo } from '../../ipc/contract.ts';
import { PresenceIcon } from '../../components/PresenceIcon.tsx';
import { contactName, contactStateWord } from '../contacts/presence.ts';

/** "(o) Bob - Online - "lunch at 1" [i]" (UI.md session window). */
export function SessionHeader({ contact, onDetails }: { contact: ContactInfo; onDetails(): void }) {
  const word = contactStateWord(contact);
  const text = contact.presence.state !== 'offline' ? contact.presence.text : '';
  return (
    <header className="session-header">
      <PresenceIcon state={contact.phase === 'confirmed' ? contact.presence.state : 'offline'} />
      <div className="session-who">
        <h1>{contactName(contact)}</h1>
        <p className="session-presence">{text ? `${word} · ${text}` : word}</p>
      </div>
      <button type="button" onClick={onDetails}>Contact details</button>
    </header>
  );
}
