// Error codes -> words written for a user (docs/ARCHITECTURE.md "Renderer": the code itself is
// shown only in small print, for a bug report). Unknown codes fall back to a generic sentence.
const WORDS: Record<string, string> = {
  WRONG_PASSPHRASE: "That passphrase didn't unlock this profile. Try again.",
  UNLOCK_DELAYED: 'Too many wrong passphrases. Wait a little, then try again.',
  WEAK_PASSPHRASE: 'That passphrase is too easy to guess. Add a few more words that belong together only for you.',
  INVITATION_TAKEN: 'Someone else already used this invitation. Ask for a new one.',
  CONTACT_REVOKED: 'This person removed you from their contacts, so you can no longer reach each other.',
  SMTP_INSECURE: 'That mail server does not offer an encrypted connection, so Sotto will not send through it. Turn on TLS or use another server.',
  SMTP_NOT_SET: 'Set up your mail server in Settings first.',
  BAD_GATEWAY_URL: "One of the gateway addresses isn't a valid .onion address. Nothing was changed.",
  NO_SANDBOX: 'This copy of Sotto has no local sandbox. Choose the Tor network.',
  EXTERNAL_UNAVAILABLE: 'Sotto could not open your web browser.',
  INVITATION_MALFORMED: "That link isn't a Sotto invitation.",
  NOT_AN_INVITATION_LINK: "That link isn't a Sotto invitation.",
  BAD_ENCODING: "That isn't a Sotto invitation.",
  BAD_CHECKSUM: 'That code has a typo in it. Check it and try again.',
  BAD_VERSION: 'That invitation was made by a newer version of Sotto.',
  BAD_SIGNATURE: "That invitation has been changed since it was made, so it can't be trusted.",
  QR_NOT_FOUND: "No QR code was found in that image. Try a sharper or larger picture.",
  QR_NOT_AN_INVITATION: "That QR code isn't a Sotto invitation.",
  IMAGE_UNSUPPORTED: 'That image format is not supported. Use a PNG image.',
  IMAGE_TOO_LARGE: 'That image is too large.',
  INVITATION_EXPIRED: 'This invitation has expired. Ask for a new one.',
  EXPIRED: 'This invitation has expired. Ask for a new one.',
  INVITATION_USED: 'This invitation was already used. Ask for a new one.',
  INVITATION_CANCELLED: 'This invitation was cancelled.',
  INVITATION_FOR_SELF: 'This is your own invitation. Send it to the person you want to add.',
  ALREADY_CONTACT: 'This person is already in your contacts.',
  BAD_INPUT: "Sotto couldn't use what was entered. Check it and try again.",
  TOO_LARGE: 'That is too long to send.',
  NOT_RUNNING: 'Sotto is still starting. Try again in a moment.',
  LOCKED: 'Unlock your profile first.',
  SMTP_FAILED: "The e-mail couldn't be sent. Check the mail server settings.",
  BAD_EMAIL_ADDRESS: "That doesn't look like an e-mail address.",
  TESTBED_UNAVAILABLE: "Sotto can't reach its network right now. Start it again once the network is up.",
  TESTBED_GONE: 'The local test network has stopped: the Sotto window or console that started it was closed. Your contacts cannot reach you now. Close Sotto and start it again.',
  HOST_UNREACHABLE: 'Lost the connection to Sotto. Reload the window.',
  IPC_DISCONNECTED: 'Lost the connection to Sotto. Reload the window, or start Sotto again.',
  IPC_BAD_INPUT: "Sotto couldn't use what was entered. Check it and try again.",
  IPC_RATE_LIMITED: 'Too many requests at once. Wait a moment and try again.',
  MESSAGE_TOO_LONG: 'This message is too long to send. Split it into shorter messages.',
  MESSAGE_INVALID: "This message contains characters Sotto can't send.",
  CONTACT_STATE: "That can't be done with this contact right now.",
};

export function userWords(code: string, retryAfterMs?: number): string {
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    if (code === 'UNLOCK_DELAYED') return `Too many wrong passphrases. Try again in ${waitWords(retryAfterMs)}.`;
    if (code === 'WRONG_PASSPHRASE') return `That passphrase didn't unlock this profile. You can try again in ${waitWords(retryAfterMs)}.`;
  }
  return WORDS[code] ?? 'Something went wrong.';
}

/** "1 second", "45 seconds", "2 minutes", "3 minutes 5 seconds": a wait rounded up to the second. */
export function waitWords(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 60) return unit(s, 'second');
  return s % 60 ? `${unit(Math.floor(s / 60), 'minute')} ${unit(s % 60, 'second')}` : unit(s / 60, 'minute');
}

/** A notice about one contact, naming them when known ("Ana removed you ..."). */
export function noticeWords(code: string, name: string | null): string {
  if (name && code === 'CONTACT_REVOKED') return `${name} removed you from their contacts, so you can no longer reach each other.`;
  if (name && code === 'INVITATION_TAKEN') return `Someone else already used the invitation from ${name}. Ask them for a new one.`;
  return userWords(code);
}
