import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELP, parseCommand } from './commands.ts';
import { parseConsoleOptions } from './options.ts';
import { ConsoleError } from './errors.ts';

const code = (c: string) => (err: unknown): boolean => err instanceof ConsoleError && err.code === c;

test('commands: every documented form parses', () => {
  assert.deepEqual(parseCommand(''), { name: 'empty' });
  assert.deepEqual(parseCommand('   '), { name: 'empty' });
  assert.deepEqual(parseCommand('HELP'), { name: 'help' });
  assert.deepEqual(parseCommand('whoami'), { name: 'whoami' });
  assert.deepEqual(parseCommand('status'), { name: 'status', state: null, text: '' });
  assert.deepEqual(parseCommand('status busy  in a meeting '), { name: 'status', state: 'busy', text: 'in a meeting' });
  assert.deepEqual(parseCommand('status invisible'), { name: 'status', state: 'invisible', text: '' });
  assert.deepEqual(parseCommand('invite open'), { name: 'invite-open' });
  assert.deepEqual(parseCommand('invite sealed ABCD-EFGH Bob Smith'), { name: 'invite-sealed', contactCode: 'ABCD-EFGH', nickname: 'Bob Smith' });
  assert.deepEqual(parseCommand('invite sealed ABCD'), { name: 'invite-sealed', contactCode: 'ABCD', nickname: null });
  assert.deepEqual(parseCommand('accept sotto://invite/v1#AAAA'), { name: 'accept', source: 'sotto://invite/v1#AAAA' });
  assert.deepEqual(parseCommand('accept "/tmp/my qr.png"'), { name: 'accept', source: '/tmp/my qr.png' });
  assert.deepEqual(parseCommand('confirm 0123abcd'), { name: 'confirm', id: '0123abcd', nickname: null });
  assert.deepEqual(parseCommand('confirm 0123abcd Carol C'), { name: 'confirm', id: '0123abcd', nickname: 'Carol C' });
  assert.deepEqual(parseCommand('say bob hi there  '), { name: 'say', contact: 'bob', text: 'hi there' });
  assert.deepEqual(parseCommand('say "bob smith" hi'), { name: 'say', contact: 'bob smith', text: 'hi' });
  assert.deepEqual(parseCommand('history bob'), { name: 'history', contact: 'bob' });
  assert.deepEqual(parseCommand('invisible bob'), { name: 'invisible', contact: 'bob' });
  assert.deepEqual(parseCommand('visible bob'), { name: 'visible', contact: 'bob' });
  assert.deepEqual(parseCommand('revoke bob'), { name: 'revoke', contact: 'bob' });
  assert.deepEqual(parseCommand('invitations'), { name: 'invitations' });
  assert.deepEqual(parseCommand('contacts'), { name: 'contacts' });
  assert.deepEqual(parseCommand('quit'), { name: 'quit' });
});

test('commands: a quoted name is one argument without its quotes, everywhere a name goes (issue 9 item 5)', () => {
  assert.deepEqual(parseCommand('invite sealed ABCD "Dave D"'), { name: 'invite-sealed', contactCode: 'ABCD', nickname: 'Dave D' });
  assert.deepEqual(parseCommand('confirm 0123abcd "Dave D"'), { name: 'confirm', id: '0123abcd', nickname: 'Dave D' });
  assert.deepEqual(parseCommand('say "Dave D" hello there'), { name: 'say', contact: 'Dave D', text: 'hello there' });
  assert.deepEqual(parseCommand('rename "Dave D" "Dave Doe"'), { name: 'rename', contact: 'Dave D', nickname: 'Dave Doe' });
  assert.deepEqual(parseCommand('rename "Dave D" Dave Doe'), { name: 'rename', contact: 'Dave D', nickname: 'Dave Doe' });
  for (const verb of ['history', 'show', 'verify', 'visible', 'invisible', 'block', 'unblock', 'revoke', 'delete'] as const) {
    assert.deepEqual(parseCommand(`${verb} "Dave D"`), { name: verb, contact: 'Dave D' });
  }
  assert.deepEqual(parseCommand('receipts "Dave D" on'), { name: 'receipts', contact: 'Dave D', on: true });
  assert.deepEqual(parseCommand('typing "Dave D" OFF'), { name: 'typing', contact: 'Dave D', on: false });
  assert.deepEqual(parseCommand('cancel 0123'), { name: 'cancel', id: '0123' });
  assert.throws(() => parseCommand('rename "Dave D" "Dave'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('rename "Dave D" "Dave Doe" extra'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('rename "Dave D"'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('receipts dave maybe'), code('BAD_ARGUMENTS'));
});

test('help: says how to quote and both message limits', () => {
  assert.match(HELP, /double\s+quotes: say "Dave D" hello/);
  assert.match(HELP, /16384 characters and 16 KiB/);
  for (const verb of ['block', 'unblock', 'rename', 'show', 'verify', 'delete', 'receipts', 'typing', 'cancel']) assert.match(HELP, new RegExp(`\\b${verb}\\b`));
});

test('commands: bad input is a coded error, never a crash', () => {
  assert.throws(() => parseCommand('frobnicate now'), code('UNKNOWN_COMMAND'));
  assert.throws(() => parseCommand('status sleepy'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('invite'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('invite closed'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('invite open extra'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('invite sealed'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('accept'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('confirm'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('say bob'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('say "bob'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('history'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('revoke a b'), code('BAD_ARGUMENTS'));
  assert.throws(() => parseCommand('whoami now'), code('BAD_ARGUMENTS'));
});

test('options: profile folder, env fallbacks, refused names', () => {
  const o = parseConsoleOptions(['--profile', 'bob', '--name', ' Bob '], { SOTTO_PASSPHRASE: 'pw', SOTTO_TESTBED: 'tb.json' }, '/w');
  assert.equal(o.profileDir, '/w/.sotto/profiles/bob');
  assert.equal(o.displayName, 'Bob');
  assert.equal(o.passphrase, 'pw');
  assert.equal(o.testbedPath, '/w/tb.json');
  assert.equal(o.defaultTestbedPath, '/w/.testbed/testbed.json');
  const d = parseConsoleOptions([], { SOTTO_HOME: '/h' }, '/w');
  assert.equal(d.profileDir, '/h/profiles/default');
  assert.equal(d.passphrase, null);
  assert.equal(d.testbedPath, null);
  assert.equal(parseConsoleOptions(['--testbed', 'x.json'], { SOTTO_TESTBED: 'y.json' }, '/w').testbedPath, '/w/x.json', 'the flag wins');
  assert.throws(() => parseConsoleOptions(['--profile', '../etc'], {}, '/w'), code('BAD_OPTION'));
  assert.throws(() => parseConsoleOptions(['--profile', '..'], {}, '/w'), code('BAD_OPTION'));
  assert.throws(() => parseConsoleOptions(['--frob'], {}, '/w'), code('BAD_OPTION'));
  assert.throws(() => parseConsoleOptions(['stray'], {}, '/w'), code('BAD_OPTION'));
  assert.throws(() => parseConsoleOptions(['--name', '  '], {}, '/w'), code('BAD_OPTION'));
});
