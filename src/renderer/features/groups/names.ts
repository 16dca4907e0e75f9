// Who a member key is, in words: "You", a contact's name, or someone the person has not added
// (group chats name members by identity key; docs/PROTOCOL.md "Multi-party sessions").
import { useMemo } from 'react';
import { memberKeyOfContactCode } from '../../../ipc/group.ts';
import type { ContactInfo } from '../../ipc/contract.ts';
import { useStore } from '../../store/index.ts';
import { contactName } from '../contacts/presence.ts';

export interface MemberNames {
  /** Our own member key (hex); null until the profile is loaded. */
  self: string | null;
  /** Member key -> contact, for confirmed and pending contacts alike. */
  contacts: ReadonlyMap<string, ContactInfo>;
}

export function memberNames(contacts: Readonly<Record<string, ContactInfo>>, ownContactCode: string | null): MemberNames {
  const byKey = new Map<string, ContactInfo>();
  for (const c of Object.values(contacts)) {
    const key = memberKeyOfContactCode(c.contactCode);
    if (key !== null) byKey.set(key, c);
  }
  return { self: ownContactCode === null ? null : memberKeyOfContactCode(ownContactCode), contacts: byKey };
}

/** "You", "Ben", or "Someone you haven't added (3f2a…)" (the key's start tells two strangers apart). */
export function memberName(names: MemberNames, key: string): string {
  if (key === names.self) return 'You';
  const contact = names.contacts.get(key);
  return contact ? contactName(contact) : `Someone you haven't added (${key.slice(0, 4)}…)`;
}

export function useMemberNames(): MemberNames {
  const contacts = useStore((s) => s.contacts);
  const own = useStore((s) => s.profile?.contactCode ?? null);
  return useMemo(() => memberNames(contacts, own), [contacts, own]);
}

/** "Ana, Ben and 2 others" style list of names. */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
