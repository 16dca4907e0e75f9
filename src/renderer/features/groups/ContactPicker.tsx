import { useMemo } from 'react';
import type { ContactInfo } from '../../ipc/contract.ts';
import { memberKeyOfContactCode } from '../../../ipc/group.ts';
import { contactName, contactStateWord } from '../contacts/presence.ts';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** A contact that can be picked: confirmed, with the member key group chats use for it. */
export interface Pickable { contact: ContactInfo; key: string }

/** Confirmed contacts not in `exclude` (member keys), by name. */
export function pickableContacts(contacts: Readonly<Record<string, ContactInfo>>, exclude: readonly string[]): Pickable[] {
  const out: Pickable[] = [];
  for (const contact of Object.values(contacts)) {
    const key = memberKeyOfContactCode(contact.contactCode);
    if (contact.phase === 'confirmed' && key !== null && !exclude.includes(key)) out.push({ contact, key });
  }
  return out.sort((a, b) => collator.compare(contactName(a.contact), contactName(b.contact)));
}

/**
 * Checkboxes, one per contact. Only contacts online now can be picked: an invitation travels over
 * the link to them, and a contact who looks offline (or hides from us) has none.
 */
export function ContactPicker({ candidates, picked, onChange, legend }: {
  candidates: Pickable[]; picked: ReadonlySet<string>; onChange(next: Set<string>): void; legend: string;
}) {
  const online = useMemo(() => candidates.filter((c) => c.contact.presence.state !== 'offline').length, [candidates]);
  const toggle = (key: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(key); else next.delete(key);
    onChange(next);
  };
  return (
    <fieldset className="contact-picker">
      <legend>{legend}</legend>
      {candidates.length === 0
        ? <p className="muted">No contacts to pick.</p>
        : (
          <ul>
            {candidates.map(({ contact, key }) => {
              const offline = contact.presence.state === 'offline';
              return (
                <li key={key}>
                  <label>
                    <input type="checkbox" checked={picked.has(key)} disabled={offline} onChange={(e) => toggle(key, e.target.checked)} />
                    {contactName(contact)} <span className="muted small">({contactStateWord(contact)})</span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      {online < candidates.length && <p className="muted small">Only contacts who are online now can be invited.</p>}
    </fieldset>
  );
}
