// The browser host's WebSocket, spoken to by hand (docs/ARCHITECTURE.md "Browser host"): a client
// without the token, from a foreign Origin or Host, sending broken JSON, unknown channels or
// payloads of the wrong type is refused with a code, and the core behind it stays up: a valid call
// afterwards still works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES, IPC_ERRORS } from '../src/ipc/index.ts';
import { WAIT } from './support/eventually.ts';
import { startHost, type HostProcess } from './support/host-process.ts';
import { isRecord, openRaw, type RawSocket } from './support/raw-socket.ts';
import { testbedPath } from './support/testbed.ts';
import { wallClock } from './support/wall-time.ts';

let dir: string;
let host: HostProcess;

const recordWallTime = wallClock(import.meta.url);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sotto-e2e-host-'));
  host = await startHost({ profileDir: join(dir, 'profile'), testbed: testbedPath(), name: 'refusals' });
});

after(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
  recordWallTime();
});

/** An authenticated socket from the host's own origin. */
async function session(): Promise<RawSocket> {
  const opened = await openRaw(host.port, { origin: host.origin });
  assert.equal(opened.kind, 'open', 'the host accepts its own origin');
  if (opened.kind !== 'open') throw new Error('unreachable');
  opened.socket.auth(host.token);
  return opened.socket;
}

function errorCode(result: unknown): string | null {
  if (!isRecord(result) || result.ok !== false || !isRecord(result.error)) return null;
  return typeof result.error.code === 'string' ? result.error.code : null;
}

function value(result: unknown): unknown {
  assert.ok(isRecord(result) && result.ok === true, `expected ok, got ${JSON.stringify(result)}`);
  return result.value;
}

test('a profile is running behind the host (the core the refusals must not hurt)', async () => {
  const s = await session();
  value(await s.call('createProfile', { displayName: 'Rita', passphrase: 'rita keeps every door shut' }, WAIT.startup));
  const status = value(await s.call('status', undefined));
  assert.ok(isRecord(status) && status.phase !== 'no-profile', `status after create: ${JSON.stringify(status)}`);
  s.close();
});

test('a socket that never sends the token is closed as unauthorized', async () => {
  const opened = await openRaw(host.port, { origin: host.origin });
  if (opened.kind !== 'open') throw new Error(`refused with ${opened.status}`);
  const closed = await opened.socket.closedWithin(WAIT.ui);
  assert.equal(closed.code, CLOSE_CODES.UNAUTHORIZED);
  assert.equal(opened.socket.received.length, 0, 'nothing was answered before the token');
});

test('a call before the token, or a wrong token, gets nothing and the socket closes', async () => {
  const early = await openRaw(host.port, { origin: host.origin });
  if (early.kind !== 'open') throw new Error(`refused with ${early.status}`);
  early.socket.send({ type: 'call', id: 1, channel: 'status', input: undefined });
  const c1 = await early.socket.closedWithin(WAIT.ui);
  assert.equal(c1.code, CLOSE_CODES.UNAUTHORIZED);
  assert.ok(!early.socket.received.some((m) => isRecord(m) && m.type === 'result'), 'no result without the token');

  const wrong = await openRaw(host.port, { origin: host.origin });
  if (wrong.kind !== 'open') throw new Error(`refused with ${wrong.status}`);
  wrong.socket.auth('0'.repeat(64));
  wrong.socket.send({ type: 'call', id: 1, channel: 'listContacts', input: undefined });
  const c2 = await wrong.socket.closedWithin(WAIT.ui);
  assert.equal(c2.code, CLOSE_CODES.UNAUTHORIZED);
  assert.ok(!wrong.socket.received.some((m) => isRecord(m) && m.type === 'result'), 'no result with a wrong token');
});

test('a foreign Origin (a web page the person visits) cannot even open the socket', async () => {
  for (const origin of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, 'null']) {
    const opened = await openRaw(host.port, { origin });
    assert.equal(opened.kind, 'refused', `origin ${origin} is refused`);
    if (opened.kind === 'refused') assert.equal(opened.status, 403);
  }
});

test('a foreign Host header (DNS rebinding) is refused for the page and the socket', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: `rebind.example:${host.port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 421);
  const opened = await openRaw(host.port, { origin: host.origin, host: `rebind.example:${host.port}` });
  assert.equal(opened.kind, 'refused');
  if (opened.kind === 'refused') assert.equal(opened.status, 421);
});

test('unknown channels and wrongly typed payloads are refused with codes; the core stays up', async () => {
  const s = await session();
  assert.equal(errorCode(await s.call('nope', {})), IPC_ERRORS.UNKNOWN_CHANNEL);
  assert.equal(errorCode(await s.call('__proto__', {})), IPC_ERRORS.UNKNOWN_CHANNEL);
  assert.equal(errorCode(await s.call('constructor', {})), IPC_ERRORS.UNKNOWN_CHANNEL);
  const wrongTypes: [string, unknown][] = [
    ['createInvitation', { kind: 5 }],
    ['createInvitation', 'open'],
    ['sendMessage', { contactId: 7, body: [] }],
    ['sendMessage', { contactId: 'a'.repeat(32), body: 'x', extra: true }],
    ['setPresence', { state: 'flying' }],
    ['history', { contactId: 'a'.repeat(32), limit: -1 }],
    ['unlock', { passphrase: { toString: 'x' } }],
    ['updateSettings', { smtp: { host: 'x', port: 'twenty-five' } }],
  ];
  for (const [channel, input] of wrongTypes) {
    assert.equal(errorCode(await s.call(channel, input)), IPC_ERRORS.BAD_INPUT, `${channel} ${JSON.stringify(input)}`);
  }
  // The same socket still answers, and the profile is still running.
  assert.ok(Array.isArray(value(await s.call('listContacts', undefined))));
  s.close();
});

test('malformed JSON and non-protocol messages get a MALFORMED answer each; the socket and the core stay up', async () => {
  const s = await session();
  const bad = ['{"type":"call","id":1,', 'not json at all', JSON.stringify({ type: 'call', id: 'one', channel: 'status' }),
    JSON.stringify([1, 2, 3]), JSON.stringify({ type: 'call', id: 9, input: {} })];
  for (const text of bad) s.sendRaw(text);
  s.ws.send(Buffer.from([0xff, 0x00, 0x01]), { binary: true });
  await s.waitFor(() => s.received.filter((m) => errorCode(isRecord(m) ? m.result : null) === IPC_ERRORS.MALFORMED).length === bad.length + 1,
    WAIT.ui, 'one MALFORMED answer per bad message');
  const status = value(await s.call('status', undefined));
  assert.ok(isRecord(status) && status.phase === 'running', JSON.stringify(status));
  assert.ok(Array.isArray(value(await s.call('listContacts', undefined))));
  s.close();
});
