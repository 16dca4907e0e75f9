// The browser host over real sockets on 127.0.0.1 against a real core (loopback services): the
// token, Origin and Host checks, CSP, frame and rate limits, coded errors that keep the connection
// and the core up, events to every window, and a token that never reaches a log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from './browser-host.ts';
import { loopbackCores } from './test-support.ts';

type Msg = { type: string; id?: number | null; result?: { ok: boolean; value?: unknown; error?: { code: string } }; event?: { type: string } };

async function hostFor(t: { after(fn: () => Promise<void>): void }, extra: Partial<BrowserHostOptions> = {}) {
  const [a] = await loopbackCores(t, ['ana']);
  const dir = await mkdtemp(join(tmpdir(), 'sotto-static-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Sotto</title>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const logs: string[] = [];
  const host = await startBrowserHost({ handler: a!.handler, staticDir: dir, log: (l) => logs.push(l), ...extra });
  t.after(async () => { await host.close(); await rm(dir, { recursive: true, force: true }); });
  const token = new URL(host.url).hash.slice('#t='.length);
  return { host, core: a!.core, logs, token };
}

/** A WebSocket client that records what it gets; `next` waits (bounded) for a message. */
class Client {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  closed: Promise<{ code: number }>;
  opened: Promise<void>;
  private waiters: (() => void)[] = [];
  private nextId = 1;

  constructor(host: BrowserHost, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc`, { headers: { origin: host.origin, ...headers } });
    this.ws.on('message', (d) => { this.messages.push(JSON.parse(d.toString()) as Msg); for (const w of this.waiters.splice(0)) w(); });
    this.opened = new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`))); this.ws.once('error', reject); });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve({ code })));
  }

  async until(match: (m: Msg) => boolean, ms = 10_000): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message in ${ms} ms; got ${JSON.stringify(this.messages).slice(0, 400)}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }

  sendRaw(text: string): void { this.ws.send(text); }

  async call(channel: string, input?: unknown): Promise<Msg['result']> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ type: 'call', id, channel, input }));
    return (await this.until((m) => m.type === 'result' && m.id === id)).result;
  }

  async auth(token: string): Promise<void> {
    await this.opened;
    this.ws.send(JSON.stringify({ type: 'auth', token }));
  }
}

function get(host: BrowserHost, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the URL carries a 256-bit token in the fragment only', async (t) => {
  const { host, token } = await hostFor(t);
  const url = new URL(host.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.equal(url.search, '');
  assert.match(token, /^[0-9a-f]{64}$/);
});

test('no token in time, a wrong token, or a call before the token: closed with 4401', async (t) => {
  const { host, token } = await hostFor(t, { authTimeoutMs: 300 });
  const silent = new Client(host);
  await silent.opened;
  assert.equal((await silent.closed).code, 4401);
  const wrong = new Client(host);
  await wrong.auth('0'.repeat(64));
  assert.equal((await wrong.closed).code, 4401);
  const early = new Client(host);
  await early.opened;
  early.sendRaw(JSON.stringify({ type: 'call', id: 1, channel: 'status' }));
  assert.equal((await early.closed).code, 4401);
  assert.equal(early.messages.length, 0, 'nothing answered before the token');
  const right = new Client(host);
  await right.auth(token);
  assert.equal((await right.call('status'))?.ok, true);
  right.ws.close();
});

test('a WebSocket from another origin, or without one, is refused before the upgrade', async (t) => {
  const { host } = await hostFor(t);
  await assert.rejects(new Client(host, { origin: 'http://evil.example' }).opened, /HTTP 403/);
  await assert.rejects(new Client(host, { origin: `http://127.0.0.1:${host.port + 1}` }).opened, /HTTP 403/);
  await assert.rejects(new Client(host, { origin: '' }).opened, /HTTP 403/);
});

test('a DNS-rebinding Host header is refused, for pages and for the WebSocket', async (t) => {
  const { host } = await hostFor(t);
  assert.equal((await get(host, '/', { host: `evil.example:${host.port}` })).status, 421);
  await assert.rejects(new Client(host, { host: `evil.example:${host.port}` }).opened, /HTTP 421/);
  assert.equal((await get(host, '/', { host: `localhost:${host.port}` })).status, 200, 'localhost is ours too');
});

test('pages carry a strict CSP and no-sniff/no-referrer headers; nothing outside the build is served', async (t) => {
  const { host } = await hostFor(t);
  const page = await get(host, '/');
  assert.equal(page.status, 200);
  const csp = String(page.headers['content-security-policy']);
  for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", `connect-src 'self' ws://127.0.0.1:${host.port}`, "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
  }
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.equal((await get(host, '/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2fapp.js', '/.env', '//etc/passwd']) {
    assert.equal((await get(host, path)).status, 404, path);
  }
});

test('malformed JSON, an unknown channel and wrongly typed payloads get codes; the connection and the core stay up', async (t) => {
  const { host, token } = await hostFor(t);
  const c = new Client(host);
  await c.auth(token);
  c.sendRaw('{not json');
  assert.equal((await c.until((m) => m.type === 'result' && m.id === null)).result?.error?.code, 'IPC_MALFORMED');
  c.sendRaw(JSON.stringify({ type: 'call', id: 'x', channel: 'status' }));
  await c.until(() => c.messages.filter((m) => m.type === 'result' && m.id === null).length === 2);
  assert.equal(c.messages[1]?.result?.error?.code, 'IPC_MALFORMED');
  assert.equal((await c.call('noSuchChannel', {}))?.error?.code, 'IPC_UNKNOWN_CHANNEL');
  assert.equal((await c.call('createProfile', { displayName: ['x'], passphrase: 1 }))?.error?.code, 'IPC_BAD_INPUT');
  assert.equal((await c.call('sendMessage', { contactId: 'c', body: 'ring\u0007' }))?.error?.code, 'IPC_BAD_INPUT');
  const created = await c.call('createProfile', { displayName: 'Ana', passphrase: 'pw' });
  assert.equal(created?.ok, true, JSON.stringify(created));
  assert.equal(c.ws.readyState, WebSocket.OPEN);
});

test('an oversized frame closes that connection (1009); other windows and the core carry on', async (t) => {
  const { host, token } = await hostFor(t, { maxFrameBytes: 4096 });
  const big = new Client(host);
  const other = new Client(host);
  await big.auth(token);
  await other.auth(token);
  big.sendRaw(JSON.stringify({ type: 'call', id: 1, channel: 'acceptInvitation', input: { text: 'x'.repeat(10_000) } }));
  assert.equal((await big.closed).code, 1009);
  assert.equal((await other.call('status'))?.ok, true);
});

test('calls over the rate limit get IPC_RATE_LIMITED', async (t) => {
  const { host, token } = await hostFor(t, { limits: { burst: 3, perSecond: 0.01 } });
  const c = new Client(host);
  await c.auth(token);
  const codes: (string | undefined)[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await c.call('status');
    codes.push(r?.ok ? 'ok' : r?.error?.code);
  }
  assert.deepEqual(codes.slice(0, 3), ['ok', 'ok', 'ok']);
  assert.equal(codes[3], 'IPC_RATE_LIMITED');
});

test('malformed frames count against the rate limit too; a call over it still gets its answer', async (t) => {
  const { host, token } = await hostFor(t, { limits: { burst: 3, perSecond: 0.01 } });
  const c = new Client(host);
  await c.auth(token);
  for (let i = 0; i < 3; i++) c.sendRaw('{not json');
  const malformed = (m: Msg): boolean => m.type === 'result' && m.id === null && m.result?.error?.code === 'IPC_MALFORMED';
  await c.until(() => c.messages.filter(malformed).length === 3);
  const over = await c.call('status');
  assert.equal(over?.ok, false, 'the three malformed frames used the whole burst');
  assert.equal(over?.error?.code, 'IPC_RATE_LIMITED');
});

test('two windows of one profile both receive its events', async (t) => {
  const { host, token } = await hostFor(t);
  const one = new Client(host);
  const two = new Client(host);
  await one.auth(token);
  await two.auth(token);
  assert.equal((await one.call('status'))?.ok, true);
  assert.equal((await two.call('status'))?.ok, true);
  assert.equal((await one.call('createProfile', { displayName: 'Ana', passphrase: 'pw' }))?.ok, true);
  const running = (m: Msg) => m.type === 'event' && m.event?.type === 'status' && (m.event as { status?: { phase?: string } }).status?.phase === 'running';
  await one.until(running);
  await two.until(running);
  assert.equal((await two.call('updateSettings', { theme: 'dark' }))?.ok, true);
  await one.until((m) => m.type === 'event' && m.event?.type === 'settings');
});

test('the token never appears in a log line', async (t) => {
  const { host, token, logs } = await hostFor(t, { authTimeoutMs: 300 });
  const good = new Client(host);
  await good.auth(token);
  await good.call('status');
  const bad = new Client(host);
  await bad.auth(token.slice(0, 63) + (token.endsWith('0') ? '1' : '0'));
  await bad.closed;
  await assert.rejects(new Client(host, { origin: 'http://evil.example' }).opened);
  good.ws.close();
  await good.closed;
  assert.ok(logs.length >= 4, `expected log lines, got ${JSON.stringify(logs)}`);
  for (const line of logs) assert.equal(line.includes(token), false, line);
  for (const line of logs) assert.equal(line.includes(token.slice(0, 16)), false, 'not even a prefix');
});
