// The renderer's one store (docs/ARCHITECTURE.md "Renderer"): typed slices, actions next to their
// state. Derived values (sorted contacts, counts) are computed by selectors, never stored.
import { create } from 'zustand';
import type { Store } from './types.ts';
import { createProfileSlice } from './profile-slice.ts';
import { createNetworkSlice } from './network-slice.ts';
import { createContactsSlice } from './contacts-slice.ts';
import { createInvitationsSlice } from './invitations-slice.ts';
import { createConversationsSlice } from './conversations-slice.ts';
import { createUiSlice } from './ui-slice.ts';
import { createGroupsSlice } from './group-sessions-slice.ts';

export type { Store } from './types.ts';

export function createSottoStore() {
  return create<Store>()((...a) => ({
    ...createProfileSlice(...a),
    ...createNetworkSlice(...a),
    ...createContactsSlice(...a),
    ...createInvitationsSlice(...a),
    ...createConversationsSlice(...a),
    ...createUiSlice(...a),
    ...createGroupsSlice(...a),
  }));
}

export const useStore = createSottoStore();
