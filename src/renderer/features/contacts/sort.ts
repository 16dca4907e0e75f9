// The contact list's order and search; pure so it is unit-tested and cheap at 500 contacts.
import type { ContactInfo } from '../../ipc/contract.ts';
import { contactName, presenceRank } from './presence.ts';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function matchesQuery(c: ContactInfo, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (q === '') return true;
  return contactName(c).toLocaleLowerCase().includes(q) || c.presence.text.toLocaleLowerCase().includes(q);
}

/** Contacts matching `query`, online first (presenceRank), then by name. */
export function sortContacts(contacts: Iterable<ContactInfo>, query = ''): ContactInfo[] {
  const out: ContactInfo[] = [];
  for (const c of contacts) if (matchesQuery(c, query)) out.push(c);
  return out.sort((a, b) => presenceRank(a) - presenceRank(b) || collator.compare(contactName(a), contactName(b)) || a.createdAt - b.createdAt);
}
