// Group chats (multi-party sessions, issue 12) as this window knows them: the chats we are in with
// their messages in the session's order, the invitations waiting for the person's answer, and the
// invitations this window is sending. A member invites one person at a time (the core answers
// SESSION_BUSY otherwise, docs/PROTOCOL.md "Multi-party sessions"), so several picked contacts
// wait in a queue here and go out one after the other (features/groups/invite-queue.ts).
import type { z } from 'zod';
import type { sessionInfoSchema, sessionInvitationInfoSchema, sessionMessageInfoSchema } from '../../ipc/index.ts';
import type { Slice } from './types.ts';

export type GroupInfo = z.infer<typeof sessionInfoSchema>;
export type GroupInvitationInfo = z.infer<typeof sessionInvitationInfoSchema>;
export type GroupMessage = z.infer<typeof sessionMessageInfoSchema>;

export interface GroupChat {
  info: GroupInfo;
  /** In the session's order: the same on every member's screen. */
  messages: GroupMessage[];
  /** True once the whole list was read from the core (a window opened later reads it once). */
  loaded: boolean;
  /** Members we had no way to reach when we joined (identity keys, hex). */
  unreached: string[];
}

export interface GroupInvitation extends GroupInvitationInfo {
  /** 'open': waiting for the person; 'joining': they said join; 'failed': the inviter never let us in. */
  answer: 'open' | 'joining' | 'failed';
}

/** What became of one person this window invited. */
export type InviteOutcome = 'waiting' | 'asked' | 'joined' | 'declined' | 'expired' | 'failed';

export interface GroupInviteRun {
  /** Picked, not yet sent (identity keys, hex), in the order picked. */
  queue: string[];
  /** The one invitation running now. */
  current: string | null;
  outcomes: Record<string, { outcome: InviteOutcome; code?: string }>;
}

export interface GroupsSlice {
  groups: Record<string, GroupChat>;
  groupInvitations: Record<string, GroupInvitation>;
  groupInvites: Record<string, GroupInviteRun>;
  setGroupList(list: { sessions: GroupInfo[]; invitations: GroupInvitationInfo[] }): void;
  /** A chat's member list or state changed (joined, members, created); messages are kept. */
  upsertGroup(info: GroupInfo, unreached?: string[]): void;
  removeGroup(sessionId: string): void;
  setGroupMessages(sessionId: string, messages: GroupMessage[]): void;
  /** One message at its place in the session's order (`index` from the core); a known id is ignored. */
  addGroupMessage(sessionId: string, message: GroupMessage, index?: number): void;
  addGroupInvitation(invitation: GroupInvitationInfo): void;
  setGroupInvitationAnswer(sessionId: string, answer: GroupInvitation['answer']): void;
  removeGroupInvitation(sessionId: string): void;
  /** Adds people to this window's invitations for a chat (anyone queued or asked already is skipped). */
  queueGroupInvites(sessionId: string, invitees: string[]): void;
  /** Takes the next queued person as the running invitation; returns it (null when none or one runs). */
  takeNextGroupInvite(sessionId: string): string | null;
  /** What the core said about a person this window invited; a final outcome frees the queue. */
  applyInviteOutcome(sessionId: string, invitee: string, outcome: InviteOutcome, code?: string): void;
}

const FINAL: ReadonlySet<InviteOutcome> = new Set(['joined', 'declined', 'expired', 'failed']);

export const createGroupsSlice: Slice<GroupsSlice> = (set, get) => ({
  groups: {},
  groupInvitations: {},
  groupInvites: {},

  // Messages already shown stay until the chat's window reads them again (loaded: false): the
  // list is read after a gap in which events may have been missed.
  setGroupList: ({ sessions, invitations }) => set((s) => ({
    groups: Object.fromEntries(sessions.map((info) => [info.sessionId, { ...emptyChat(info), ...s.groups[info.sessionId], info, loaded: false }])),
    groupInvitations: Object.fromEntries(invitations.map((i) => [i.sessionId, { ...i, answer: s.groupInvitations[i.sessionId]?.answer ?? 'open' }])),
  })),

  upsertGroup: (info, unreached) => set((s) => {
    const known = s.groups[info.sessionId] ?? emptyChat(info);
    const joined = { ...s.groupInvitations };
    delete joined[info.sessionId];
    // Someone this window invited who is now a member has joined.
    const run = s.groupInvites[info.sessionId];
    const groupInvites = run?.current && info.members.includes(run.current)
      ? { ...s.groupInvites, [info.sessionId]: settle(run, run.current, 'joined') }
      : s.groupInvites;
    return {
      groups: { ...s.groups, [info.sessionId]: { ...known, info, unreached: unreached ?? known.unreached } },
      groupInvitations: joined,
      groupInvites,
    };
  }),

  removeGroup: (sessionId) => set((s) => {
    const groups = { ...s.groups };
    delete groups[sessionId];
    const groupInvites = { ...s.groupInvites };
    delete groupInvites[sessionId];
    return { groups, groupInvites };
  }),

  setGroupMessages: (sessionId, messages) => set((s) => {
    const chat = s.groups[sessionId];
    if (!chat) return {};
    return { groups: { ...s.groups, [sessionId]: { ...chat, messages, loaded: true } } };
  }),

  addGroupMessage: (sessionId, message, index) => set((s) => {
    const chat = s.groups[sessionId];
    if (!chat || chat.messages.some((m) => m.id === message.id)) return {};
    const messages = chat.messages.slice();
    messages.splice(index === undefined ? messages.length : Math.min(Math.max(index, 0), messages.length), 0, message);
    return { groups: { ...s.groups, [sessionId]: { ...chat, messages } } };
  }),

  addGroupInvitation: (invitation) => set((s) => (s.groups[invitation.sessionId]
    ? {}
    : { groupInvitations: { ...s.groupInvitations, [invitation.sessionId]: { ...invitation, answer: 'open' } } })),

  setGroupInvitationAnswer: (sessionId, answer) => set((s) => {
    const invitation = s.groupInvitations[sessionId];
    return invitation ? { groupInvitations: { ...s.groupInvitations, [sessionId]: { ...invitation, answer } } } : {};
  }),

  removeGroupInvitation: (sessionId) => set((s) => {
    const groupInvitations = { ...s.groupInvitations };
    delete groupInvitations[sessionId];
    return { groupInvitations };
  }),

  queueGroupInvites: (sessionId, invitees) => set((s) => {
    const run = s.groupInvites[sessionId] ?? { queue: [], current: null, outcomes: {} };
    const members = s.groups[sessionId]?.info.members ?? [];
    const fresh = invitees.filter((k, i) => invitees.indexOf(k) === i && !members.includes(k) && !run.queue.includes(k) && run.current !== k);
    if (fresh.length === 0) return {};
    const outcomes = { ...run.outcomes };
    for (const k of fresh) outcomes[k] = { outcome: 'waiting' };
    return { groupInvites: { ...s.groupInvites, [sessionId]: { ...run, queue: [...run.queue, ...fresh], outcomes } } };
  }),

  takeNextGroupInvite: (sessionId) => {
    const run = get().groupInvites[sessionId];
    if (!run || run.current !== null || run.queue.length === 0) return null;
    const [next, ...rest] = run.queue as [string, ...string[]];
    set((s) => ({ groupInvites: { ...s.groupInvites, [sessionId]: { ...run, queue: rest, current: next } } }));
    return next;
  },

  applyInviteOutcome: (sessionId, invitee, outcome, code) => set((s) => {
    const run = s.groupInvites[sessionId];
    if (!run || !(invitee in run.outcomes)) return {};
    return { groupInvites: { ...s.groupInvites, [sessionId]: settle(run, invitee, outcome, code) } };
  }),
});

function emptyChat(info: GroupInfo): GroupChat {
  return { info, messages: [], loaded: false, unreached: [] };
}

function settle(run: GroupInviteRun, invitee: string, outcome: InviteOutcome, code?: string): GroupInviteRun {
  return {
    ...run,
    current: FINAL.has(outcome) && run.current === invitee ? null : run.current,
    outcomes: { ...run.outcomes, [invitee]: code === undefined ? { outcome } : { outcome, code } },
  };
}
