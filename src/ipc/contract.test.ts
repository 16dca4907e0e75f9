// The contract's own rules: text inputs match the frame encoder, channels are complete and
// JSON-shaped, settings never show a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHANNELS, CHANNEL_NAMES, EVENT, displayNameSchema, externalUrlSchema, messageBodySchema, nicknameSchema, presenceTextSchema,
  resultSchema, settingsViewSchema, INVITER_NAME_BYTES, acceptInvitationInput, isChannelName,
} from './index.ts';
import { MAX_MESSAGE_BODY_BYTES, MAX_DISPLAY_NAME_CHARS, MAX_PRESENCE_TEXT_CHARS } from '../protocol/frames.ts';

test('display names: trimmed, not empty, no control characters, within the frame and invitation limits', () => {
  assert.equal(displayNameSchema.parse('  Ana  '), 'Ana');
  assert.equal(displayNameSchema.safeParse('   ').success, false);
  for (const bad of ['A\u0000na', 'A\nna', 'A\tna', 'A\u0085na', 'A\u2028na', 'A\u007fna']) {
    assert.equal(displayNameSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(displayNameSchema.safeParse('x'.repeat(MAX_DISPLAY_NAME_CHARS)).success, true);
  assert.equal(displayNameSchema.safeParse('x'.repeat(MAX_DISPLAY_NAME_CHARS + 1)).success, false);
  // 16 four-byte characters fill the invitation's name field exactly; 17 do not fit.
  assert.equal(displayNameSchema.safeParse('😀'.repeat(INVITER_NAME_BYTES / 4)).success, true);
  assert.equal(displayNameSchema.safeParse('😀'.repeat(INVITER_NAME_BYTES / 4 + 1)).success, false);
  assert.equal(displayNameSchema.safeParse('\ud800').success, false, 'a lone surrogate is not text');
  assert.equal(displayNameSchema.safeParse(42).success, false);
});

test('nicknames may be empty but follow the display name rules otherwise', () => {
  assert.equal(nicknameSchema.parse(''), '');
  assert.equal(nicknameSchema.safeParse('Bob\u001b[2J').success, false);
});

test('status text: code points counted like the encoder, no line breaks', () => {
  assert.equal(presenceTextSchema.safeParse('😀'.repeat(MAX_PRESENCE_TEXT_CHARS)).success, true);
  assert.equal(presenceTextSchema.safeParse('x'.repeat(MAX_PRESENCE_TEXT_CHARS + 1)).success, false);
  assert.equal(presenceTextSchema.safeParse('at my\ndesk').success, false);
});

test('message bodies: tabs and line breaks allowed, other controls refused, 16 KiB of UTF-8', () => {
  assert.equal(messageBodySchema.safeParse('line one\nline two\r\n\tindented').success, true);
  assert.equal(messageBodySchema.safeParse('').success, false);
  for (const bad of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'del\u007f']) {
    const r = messageBodySchema.safeParse(bad);
    assert.equal(r.success, false, JSON.stringify(bad));
    assert.match(r.error!.issues[0]!.message, /control characters/);
  }
  assert.equal(messageBodySchema.safeParse('x'.repeat(MAX_MESSAGE_BODY_BYTES)).success, true);
  assert.equal(messageBodySchema.safeParse('é'.repeat(MAX_MESSAGE_BODY_BYTES / 2 + 1)).success, false, 'bytes, not characters');
});

test('every channel has an input and an output schema; names are plain identifiers', () => {
  assert.ok(CHANNEL_NAMES.length >= 30);
  for (const name of CHANNEL_NAMES) {
    assert.match(name, /^[a-z][A-Za-z]+$/);
    assert.ok(CHANNELS[name].input && CHANNELS[name].output, name);
  }
  assert.equal(isChannelName('toString'), false, 'prototype names are not channels');
  assert.equal(isChannelName('__proto__'), false);
});

test('inputs are strict: unknown keys and wrong types are refused', () => {
  assert.equal(CHANNELS.sendMessage.input.safeParse({ contactId: 'c1', body: 'hi', extra: 1 }).success, false);
  assert.equal(CHANNELS.sendMessage.input.safeParse({ contactId: 'c1', body: 5 }).success, false);
  assert.equal(CHANNELS.status.input.safeParse(undefined).success, true);
  assert.equal(acceptInvitationInput.safeParse({}).success, false, 'one of link, text or image');
  assert.equal(acceptInvitationInput.safeParse({ link: 'a', text: 'b' }).success, false);
});

test('external links: http and https only, no credentials', () => {
  assert.equal(externalUrlSchema.safeParse('https://example.org/a?b#c').success, true);
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'sotto://x', 'https://user:pw@example.org', 'not a url']) {
    assert.equal(externalUrlSchema.safeParse(bad).success, false, bad);
  }
});

test('the settings view has no place for a password', () => {
  const view = settingsViewSchema.parse({
    theme: 'dark', notifications: true, autoAwayMinutes: 5, receiptsDefault: true, typingDefault: false,
    smtp: { host: 'mail', port: 25, secure: false, requireTLS: false, user: 'u', from: 'a@b.c', passwordSet: true, password: 'secret' },
  });
  assert.equal(JSON.stringify(view).includes('secret'), false, 'unknown keys are stripped from outputs');
});

test('results and events parse their JSON forms', () => {
  const r = resultSchema(CHANNELS.markRead.output);
  assert.equal(r.safeParse({ ok: true, value: { unread: 0 } }).success, true);
  assert.equal(r.safeParse({ ok: false, error: { code: 'X', message: 'y' } }).success, true);
  assert.equal(r.safeParse({ ok: false }).success, false);
  assert.equal(EVENT.safeParse({ type: 'typing', contactId: 'c', active: true }).success, true);
  assert.equal(EVENT.safeParse({ type: 'deep-link', link: 'sotto://i/x' }).success, true);
  assert.equal(EVENT.safeParse({ type: 'nope' }).success, false);
});
