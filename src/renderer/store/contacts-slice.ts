import type { ContactInfo, ContactPresenceState } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface ContactsSlice {
  contacts: Record<string, ContactInfo>;
  /** Contacts currently typing to us. */
  typing: Record<string, boolean>;
  setContacts(list: ContactInfo[]): void;
  upsertContact(contact: ContactInfo): void;
  removeContact(id: string): void;
  applyPresence(id: string, state: ContactPresenceState, text: string): void;
  applyUnread(id: string, count: number): void;
  applyTyping(id: string, active: boolean): void;
}

export const createContactsSlice: Slice<ContactsSlice> = (set) => ({
  contacts: {},
  typing: {},
  setContacts: (list) => set({ contacts: Object.fromEntries(list.map((c) => [c.id, c])) }),
  upsertContact: (contact) => set((s) => ({ contacts: { ...s.contacts, [contact.id]: contact } })),
  removeContact: (id) => set((s) => {
    const { [id]: _gone, ...contacts } = s.contacts;
    const { [id]: _typing, ...typing } = s.typing;
    return { contacts, typing };
  }),
  applyPresence: (id, state, text) => set((s) => {
    const c = s.contacts[id];
    if (!c) return {};
    // Someone who goes offline stops typing, too.
    const typing = state === 'offline' ? { ...s.typing, [id]: false } : s.typing;
    return { contacts: { ...s.contacts, [id]: { ...c, presence: { state, text } } }, typing };
  }),
  applyUnread: (id, unread) => set((s) => {
    const c = s.contacts[id];
    return c ? { contacts: { ...s.contacts, [id]: { ...c, unread } } } : {};
  }),
  applyTyping: (id, active) => set((s) => ({ typing: { ...s.typing, [id]: active } })),
});
