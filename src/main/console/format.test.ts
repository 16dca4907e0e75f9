// Words on screen, codes in the debug log (issue 9 items 6 and 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreEvent } from '../index.ts';
import { DebugLog } from './debug-log.ts';
import { clock, dateTime, formatEvent, formatMessage, quoted } from './format.ts';

const nameOf = (id: string): string => (id === 'c1' ? 'Dave D' : id.slice(0, 8));
const warning = (code: string, message: string): CoreEvent => ({ type: 'warning', code, message, contactId: 'c1' });

test('warnings: network weather and a contact going away print nothing; the rest in words, never a code', () => {
  assert.equal(formatEvent(warning('RENDEZVOUS', 'SOCKS5 reply 0x05 (SOCKS_CONNECTION_REFUSED)'), { nameOf }), null);
  assert.equal(formatEvent(warning('INBOUND_HANDSHAKE', 'Noise handshake failed'), { nameOf }), null);
  assert.equal(formatEvent(warning('GATEWAY_TIMEOUT', 'gateway x did not answer'), { nameOf }), null);
  assert.equal(formatEvent(warning('GATEWAYS_ADOPTED', "Using the 2 gateway(s) from Ann's invitation (see the network settings)."), { nameOf }),
    "! Using the 2 gateway(s) from Ann's invitation (see the network settings).");
  assert.equal(formatEvent(warning('LINK_BAD_FRAME', 'frame 0x42'), { nameOf }),
    '! the connection to Dave D broke: their app sent something this app does not understand (it reconnects by itself)');
  assert.equal(formatEvent(warning('INVITATION_TAKEN', 'Someone else already used this invitation from Ann. Ask them for a new one.'), { nameOf }),
    '! Someone else already used this invitation from Ann. Ask them for a new one.');
  assert.match(formatEvent(warning('SOMETHING_NEW', 'x'), { nameOf })!, /^! something went wrong in the background \(SOMETHING_NEW; details in the debug log\)$/);
  assert.equal(formatEvent(warning('RENDEZVOUS', 'SOCKS5 reply 0x05'), { nameOf, debug: true }), '! [RENDEZVOUS] SOCKS5 reply 0x05 (contact Dave D)');
});

test('delivery: our lines say what happened; acks print with the first words of the message', () => {
  const m = { id: 'a'.repeat(32), contactId: 'c1', conversationId: 'b'.repeat(32), direction: 'out' as const, body: 'hi', sentAt: Date.UTC(2026, 0, 2, 3, 4, 5), receivedAt: null, status: 'acked' as const, seq: 1 };
  assert.equal(formatMessage(m, 'Dave D'), `[${clock(m.sentAt)}] me: hi  (delivered)`);
  assert.equal(formatMessage({ ...m, status: 'queued' }, 'Dave D', { withDate: true }), `[${dateTime(m.sentAt)}] me: hi  (not sent yet)`);
  assert.match(dateTime(m.sentAt), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(formatEvent({ type: 'message-status', contactId: 'c1', messageId: m.id, status: 'acked' }, { nameOf, excerptOf: () => 'hi' }), '* delivered to Dave D: "hi"');
  assert.equal(formatEvent({ type: 'message-status', contactId: 'c1', messageId: m.id, status: 'sent' }, { nameOf }), null);
  assert.equal(quoted('Dave D'), '"Dave D"');
  assert.equal(quoted('dave'), 'dave');
});

test('debug log: time, code and contact by default; the developer text only with --debug', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-debuglog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const quiet = new DebugLog({ profileDir: join(dir, 'a'), full: false, now: () => Date.UTC(2026, 0, 1) });
  quiet.write('RENDEZVOUS', 'SOCKS5 reply 0x05 to abcdef.onion', '0123456789abcdef');
  assert.equal(await readFile(quiet.path, 'utf8'), '2026-01-01T00:00:00.000Z RENDEZVOUS contact=01234567\n');
  const full = new DebugLog({ profileDir: join(dir, 'b'), full: true, now: () => Date.UTC(2026, 0, 1) });
  full.write('RENDEZVOUS', 'SOCKS5 reply 0x05');
  assert.equal(await readFile(full.path, 'utf8'), '2026-01-01T00:00:00.000Z RENDEZVOUS "SOCKS5 reply 0x05"\n');
});
