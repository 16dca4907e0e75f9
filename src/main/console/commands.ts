// The console's command language: one line = one command. Pure: a line goes in, a Command or a
// coded ConsoleError comes out, so bad input never reaches the core.
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
  | { name: 'invitations' }
  | { name: 'contacts' }
  | { name: 'say'; contact: string; text: string }
  | { name: 'history'; contact: string }
  | { name: 'visible'; contact: string }
  | { name: 'invisible'; contact: string }
  | { name: 'revoke'; contact: string }
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
  invitations: 'invitations',
  contacts: 'contacts',
  say: 'say <contact> <text>',
  history: 'history <contact>',
  visible: 'visible <contact>',
  invisible: 'invisible <contact>',
  revoke: 'revoke <contact>',
  quit: 'quit',
};

export const HELP = [
  'commands:',
  '  whoami                              your name, contact code and fingerprint',
  '  status [state [text]]               show or set your status: online away busy dnd invisible',
  '  invite open                         a one-time link + QR (png, svg) + e-mail draft for anyone',
  '  invite sealed <contact code> [nick] an invitation only that person can open',
  '  accept <link | qr.png | mail.txt>   redeem an invitation',
  '  confirm <invitation id> [nickname]  accept whoever redeemed your open invitation',
  '  decline <invitation id>             refuse them',
  '  invitations                         your invitations and their state',
  '  contacts                            contacts with presence',
  '  say <contact> <text>                send a message (queued while they are offline)',
  '  history <contact>                   the conversation, oldest first',
  '  visible <contact> / invisible <contact>   show or hide your presence to one contact',
  '  revoke <contact>                    stop being reachable by them, for good',
  '  quit                                go offline, stop tor, exit',
  '<contact> is a nickname (quote it if it has spaces) or the start of a contact id.',
].join('\n');

interface Cursor { rest: string }

/** Takes one word (or a "double-quoted" phrase) off the front of `c.rest`. */
function takeWord(c: Cursor): string | null {
  const s = c.rest.trimStart();
  if (s.length === 0) { c.rest = ''; return null; }
  if (s.startsWith('"')) {
    const end = s.indexOf('"', 1);
    if (end < 0) { c.rest = ''; return null; }
    c.rest = s.slice(end + 1);
    return s.slice(1, end);
  }
  const m = /^\S+/.exec(s)!;
  c.rest = s.slice(m[0].length);
  return m[0];
}

function restText(c: Cursor): string { return c.rest.trim(); }

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
        const nick = restText(c);
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
      const nick = restText(c).replace(/^"(.*)"$/, '$1');
      return { name: 'confirm', id, nickname: nick.length > 0 ? nick : null };
    }
    case 'decline': return { name: 'decline', id: one(c, USAGE.decline) };
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
    case 'quit': case 'exit': return { name: 'quit' };
    default: throw ConsoleError.UNKNOWN_COMMAND(word);
  }
}
