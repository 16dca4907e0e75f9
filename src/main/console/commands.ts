// The console's command language: one line = one command. Pure: a line goes in, a Command or a
// coded ConsoleError comes out, so bad input never reaches the core.
import { MAX_MESSAGE_BODY_BYTES } from '../../protocol/index.ts';
import { ConsoleError } from './errors.ts';

export const OWN_STATES = ['online', 'away', 'busy', 'dnd', 'invisible'] as const;
export type OwnStateInput = typeof OWN_STATES[number];

export type Command =
  | { name: 'help' }
  | { name: 'whoami' }
  | { name: 'status'; state: OwnStateInput | null; text: string }
  | { name: 'invite-open' }
  | { name: 'invite-sealed'; contactCode: string; nickname: string | null }
  | { name: 'accept'; source: string }
  | { name: 'confirm'; id: string; nickname: string | null }
  | { name: 'decline'; id: string }
  | { name: 'cancel'; id: string }
  | { name: 'invitations' }
  | { name: 'contacts' }
  | { name: 'say'; contact: string; text: string }
  | { name: 'history'; contact: string }
  | { name: 'visible'; contact: string }
  | { name: 'invisible'; contact: string }
  | { name: 'revoke'; contact: string }
  | { name: 'delete'; contact: string }
  | { name: 'block'; contact: string }
  | { name: 'unblock'; contact: string }
  | { name: 'rename'; contact: string; nickname: string }
  | { name: 'show'; contact: string }
  | { name: 'verify'; contact: string }
  | { name: 'receipts'; contact: string; on: boolean }
  | { name: 'typing'; contact: string; on: boolean }
  | { name: 'quit' }
  | { name: 'empty' };

export const USAGE: Record<Exclude<Command['name'], 'invite-open' | 'invite-sealed' | 'empty'> | 'invite', string> = {
  help: 'help',
  whoami: 'whoami',
  status: 'status [online|away|busy|dnd|invisible [text]]',
  invite: 'invite open | invite sealed <contact code> [nickname]',
  accept: 'accept <link | path to a QR png | path to a text/e-mail file>',
  confirm: 'confirm <invitation id> [nickname]',
  decline: 'decline <invitation id>',
  cancel: 'cancel <invitation id>',
  invitations: 'invitations',
  contacts: 'contacts',
  say: 'say <contact> <text>',
  history: 'history <contact>',
  visible: 'visible <contact>',
  invisible: 'invisible <contact>',
  revoke: 'revoke <contact>',
  delete: 'delete <contact>',
  block: 'block <contact>',
  unblock: 'unblock <contact>',
  rename: 'rename <contact> <new nickname>',
  show: 'show <contact>',
  verify: 'verify <contact>',
  receipts: 'receipts <contact> on|off',
  typing: 'typing <contact> on|off',
  quit: 'quit',
};

/** What the core accepts in one message (src/ipc/text.ts messageBodySchema: as many characters as bytes). */
export const MESSAGE_LIMITS = { characters: MAX_MESSAGE_BODY_BYTES, bytes: MAX_MESSAGE_BODY_BYTES } as const;

export const HELP = [
  'commands:',
  '  whoami                              your name, contact code and fingerprint',
  '  status [state [text]]               show or set your status: online away busy dnd invisible',
  '  invite open                         a one-time link + QR (png, svg) + e-mail draft for anyone',
  '  invite sealed <contact code> [nick] an invitation only that person can open',
  '  accept <link | qr.png | mail.txt>   redeem an invitation',
  '  confirm <invitation id> [nickname]  accept whoever redeemed your open invitation',
  '  decline <invitation id>             refuse them',
  '  cancel <invitation id>              withdraw an invitation nobody has used yet',
  '  invitations                         your invitations and their state',
  '  contacts                            contacts with presence',
  '  say <contact> <text>                send a message (kept and sent when they come online)',
  '  history <contact>                   the conversation, oldest first, with times and delivery',
  '  show <contact>                      details: fingerprint, safety number, settings',
  '  verify <contact>                    mark them verified once the safety numbers match',
  '  rename <contact> <new nickname>     change the name you see for them',
  '  receipts <contact> on|off           send them read receipts (off by default)',
  '  typing <contact> on|off             exchange typing indicators (off by default)',
  '  visible <contact> / invisible <contact>   show or hide your presence to one contact',
  '  block <contact> / unblock <contact>  stop or resume all contact with them (reversible)',
  '  revoke <contact>                    stop being reachable by them, for good (they are told)',
  '  delete <contact>                    revoke and remove them with the whole conversation',
  '  quit                                go offline, stop tor, exit',
  '<contact> is a nickname or the start of a contact id; a nickname with spaces goes in double',
  '  quotes: say "Dave D" hello, rename "Dave D" "Dave Doe".',
  `A message holds at most ${MESSAGE_LIMITS.characters} characters and ${MESSAGE_LIMITS.bytes / 1024} KiB of UTF-8 `
    + '(letters outside ASCII take 2 to 4 bytes each).',
].join('\n');

interface Cursor { rest: string }

/** Takes one word (or a "double-quoted" phrase, without its quotes) off the front of `c.rest`. */
function takeWord(c: Cursor): string | null {
  const s = c.rest.trimStart();
  if (s.length === 0) { c.rest = ''; return null; }
  if (s.startsWith('"')) {
    const end = s.indexOf('"', 1);
    if (end < 0) throw ConsoleError.BAD_ARGUMENTS('a closing double quote is missing');
    c.rest = s.slice(end + 1);
    return s.slice(1, end);
  }
  const m = /^\S+/.exec(s)!;
  c.rest = s.slice(m[0].length);
  return m[0];
}

function restText(c: Cursor): string { return c.rest.trim(); }

/** The rest of the line as one name: `Dave D` or `"Dave D"` (quotes are not part of the name). */
function restName(c: Cursor, usage: string): string {
  const rest = restText(c);
  if (!rest.startsWith('"')) return rest;
  const name = takeWord(c) ?? '';
  noMore(c, usage);
  return name;
}

function onOff(c: Cursor, usage: string): boolean {
  const w = takeWord(c)?.toLowerCase();
  noMore(c, usage);
  if (w === 'on') return true;
  if (w === 'off') return false;
  throw ConsoleError.BAD_ARGUMENTS(usage);
}

function contactArg(c: Cursor, usage: string): string {
  const contact = takeWord(c);
  if (!contact) throw ConsoleError.BAD_ARGUMENTS(usage);
  return contact;
}
function noMore(c: Cursor, usage: string): void {
  if (c.rest.trim().length > 0) throw ConsoleError.BAD_ARGUMENTS(usage);
}

function one(c: Cursor, usage: string): string {
  const w = takeWord(c);
  if (w === null || w.length === 0) throw ConsoleError.BAD_ARGUMENTS(usage);
  noMore(c, usage);
  return w;
}

export function parseCommand(line: string): Command {
  const c: Cursor = { rest: line };
  const word = takeWord(c);
  if (word === null) return { name: 'empty' };
  const name = word.toLowerCase();
  switch (name) {
    case 'help': case '?': return { name: 'help' };
    case 'whoami': noMore(c, USAGE.whoami); return { name: 'whoami' };
    case 'status': {
      const state = takeWord(c);
      if (state === null) return { name: 'status', state: null, text: '' };
      const s = state.toLowerCase();
      if (!(OWN_STATES as readonly string[]).includes(s)) throw ConsoleError.BAD_ARGUMENTS(USAGE.status);
      return { name: 'status', state: s as OwnStateInput, text: restText(c) };
    }
    case 'invite': {
      const kind = takeWord(c)?.toLowerCase();
      if (kind === 'open') { noMore(c, USAGE.invite); return { name: 'invite-open' }; }
      if (kind === 'sealed') {
        const code = takeWord(c);
        if (!code) throw ConsoleError.BAD_ARGUMENTS(USAGE.invite);
        const nick = restName(c, USAGE.invite);
        return { name: 'invite-sealed', contactCode: code, nickname: nick.length > 0 ? nick : null };
      }
      throw ConsoleError.BAD_ARGUMENTS(USAGE.invite);
    }
    case 'accept': {
      // The rest of the line: a link, a path (may contain spaces) or pasted text holding a link.
      const source = restText(c).replace(/^"(.*)"$/, '$1');
      if (source.length === 0) throw ConsoleError.BAD_ARGUMENTS(USAGE.accept);
      return { name: 'accept', source };
    }
    case 'confirm': {
      const id = takeWord(c);
      if (!id) throw ConsoleError.BAD_ARGUMENTS(USAGE.confirm);
      const nick = restName(c, USAGE.confirm);
      return { name: 'confirm', id, nickname: nick.length > 0 ? nick : null };
    }
    case 'decline': return { name: 'decline', id: one(c, USAGE.decline) };
    case 'cancel': return { name: 'cancel', id: one(c, USAGE.cancel) };
    case 'invitations': noMore(c, USAGE.invitations); return { name: 'invitations' };
    case 'contacts': noMore(c, USAGE.contacts); return { name: 'contacts' };
    case 'say': case 'msg': {
      const contact = takeWord(c);
      const text = restText(c);
      if (!contact || text.length === 0) throw ConsoleError.BAD_ARGUMENTS(USAGE.say);
      return { name: 'say', contact, text };
    }
    case 'history': return { name: 'history', contact: one(c, USAGE.history) };
    case 'visible': return { name: 'visible', contact: one(c, USAGE.visible) };
    case 'invisible': return { name: 'invisible', contact: one(c, USAGE.invisible) };
    case 'revoke': return { name: 'revoke', contact: one(c, USAGE.revoke) };
    case 'delete': return { name: 'delete', contact: one(c, USAGE.delete) };
    case 'block': return { name: 'block', contact: one(c, USAGE.block) };
    case 'unblock': return { name: 'unblock', contact: one(c, USAGE.unblock) };
    case 'show': return { name: 'show', contact: one(c, USAGE.show) };
    case 'verify': return { name: 'verify', contact: one(c, USAGE.verify) };
    case 'rename': {
      const contact = contactArg(c, USAGE.rename);
      const nickname = restName(c, USAGE.rename);
      if (nickname.length === 0) throw ConsoleError.BAD_ARGUMENTS(USAGE.rename);
      return { name: 'rename', contact, nickname };
    }
    case 'receipts': return { name: 'receipts', contact: contactArg(c, USAGE.receipts), on: onOff(c, USAGE.receipts) };
    case 'typing': return { name: 'typing', contact: contactArg(c, USAGE.typing), on: onOff(c, USAGE.typing) };
    case 'quit': case 'exit': return { name: 'quit' };
    default: throw ConsoleError.UNKNOWN_COMMAND(word);
  }
}
