import type { StateCreator } from 'zustand';
import type { ProfileSlice } from './profile-slice.ts';
import type { NetworkSlice } from './network-slice.ts';
import type { ContactsSlice } from './contacts-slice.ts';
import type { InvitationsSlice } from './invitations-slice.ts';
import type { ConversationsSlice } from './conversations-slice.ts';
import type { UiSlice } from './ui-slice.ts';
import type { GroupsSlice } from './group-sessions-slice.ts';

export type Store = ProfileSlice & NetworkSlice & ContactsSlice & InvitationsSlice & ConversationsSlice & UiSlice & GroupsSlice;
export type Slice<T> = StateCreator<Store, [], [], T>;
