// What group chats tell a person: the presence promise in one sentence, and their error codes in
// words (the code itself stays in small print, components/ErrorText.tsx).

/** Shown wherever someone is about to join or start a group chat (issue 12). */
export const PRESENCE_NOTE =
  'While you are in a group chat, its members can see that you are online, including members who are not your contacts. Leave the group chat to stop that.';

export const GROUP_WORDS: Readonly<Record<string, string>> = {
  SESSION_BUSY: 'An invitation you sent to this group chat is still waiting for an answer. Try again when it is answered.',
  ALREADY_MEMBER: 'That person is already in this group chat.',
  SESSION_FULL: 'This group chat is full (32 people at most).',
  SESSION_NOT_ACTIVE: "You are not in this group chat any more.",
  NO_SESSION: "You are not in this group chat any more.",
  NO_INVITATION: 'This invitation is no longer open.',
  SESSIONS_CLOSED: 'Unlock your profile first.',
  MESSAGE_TOO_LONG: 'This message is too long for a group chat. Split it into shorter messages.',
  MESSAGE_INVALID: "This message contains characters Sotto can't send. Remove them and try again.",
};
