// The renderer's WebSocket client (src/renderer/ipc/ws-client.ts) against the real browser host
// and a real core: every channel has a method, calls round-trip, events arrive, a refused token
// and a stopped host answer IPC_DISCONNECTED instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHANNEL_NAMES, CLOSE_CODES, type SottoEvent } from '../../ipc/index.ts';
import { createWsApi } from '../../renderer/ipc/ws-client.ts';
import { startBrowserHost } from './browser-host.ts';
import { loopbackCores } from './test-support.ts';

/** What a browser does for a page of this origin: the Origin header is set by the browser, not the page. */
function browserSocket(origin: string) {
  return class extends WebSocket {
    constructor(url: string) { super(url, { headers: { origin } }); }
  } as unknown as new (url: string) => globalThis.WebSocket;
}

test('the WebSocket client: one method per channel, calls, events, and coded failures', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const dir = await mkdtemp(join(tmpdir(), 'sotto-static-'));
  const host = await startBrowserHost({ handler: a!.handler, staticDir: dir });
  t.after(async () => { await host.close(); await rm(dir, { recursive: true, force: true }); });
  const token = new URL(host.url).hash.slice(3);
  const url = `ws://127.0.0.1:${host.port}/ipc`;

  const api = createWsApi({ url, token, WebSocketImpl: browserSocket(host.origin) });
  for (const name of CHANNEL_NAMES) assert.equal(typeof api[name], 'function', name);
  const events: SottoEvent[] = [];
  const off = api.onEvent((e) => events.push(e));
  const status = await api.status();
  assert.ok(status.ok && status.value.phase === 'no-profile');
  const bad = await api.createProfile({ displayName: 'A\u0000', passphrase: 'pw' });
  assert.equal(bad.ok ? 'ok' : bad.error.code, 'IPC_BAD_INPUT');
  const created = await api.createProfile({ displayName: 'Ana', passphrase: 'pw' });
  assert.ok(created.ok && created.value.displayName === 'Ana');
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.type === 'status' && e.status.phase === 'running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(events.some((e) => e.type === 'status' && e.status.phase === 'running'), 'events arrive');
  off();

  const refused = createWsApi({ url, token: 'f'.repeat(64), WebSocketImpl: browserSocket(host.origin) });
  const r = await refused.status();
  assert.equal(r.ok ? 'ok' : r.error.code, 'IPC_DISCONNECTED');

  const foreign = createWsApi({ url, token, WebSocketImpl: browserSocket('http://evil.example') });
  const f = await foreign.status();
  assert.equal(f.ok ? 'ok' : f.error.code, 'IPC_DISCONNECTED');

  await host.close();
  const after = await api.status();
  assert.equal(after.ok ? 'ok' : after.error.code, 'IPC_DISCONNECTED');
});

/** Polls `check` until it holds (bounded; the machine may be loaded). */
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('the WebSocket client reopens a dropped socket on its own: events flow again after the host restarts, without a call', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const dir = await mkdtemp(join(tmpdir(), 'sotto-static-'));
  let host = await startBrowserHost({ handler: a!.handler, staticDir: dir });
  const { port } = host;
  const token = new URL(host.url).hash.slice(3);
  t.after(async () => { await host.close(); await rm(dir, { recursive: true, force: true }); });
  const waits: number[] = [];
  let pendingTimers = 0;
  let reopened = 0;
  const closeCodes: number[] = [];
  const Base = browserSocket(host.origin);
  const api = createWsApi({
    url: `ws://127.0.0.1:${port}/ipc`, token, reconnectMs: { first: 20, max: 160 }, onReopen: () => { reopened++; },
    WebSocketImpl: class extends Base {
      constructor(url: string) { super(url); this.addEventListener('close', (e) => closeCodes.push(e.code)); }
    },
    setTimer: (fn, ms) => {
      waits.push(ms);
      pendingTimers++;
      const h = setTimeout(() => { pendingTimers--; fn(); }, ms);
      return () => { pendingTimers--; clearTimeout(h); };
    },
  });
  const events: SottoEvent[] = [];
  const off = api.onEvent((e) => events.push(e));
  await until(() => host.connections() === 1, 'the first connection');
  assert.equal(reopened, 0, 'the first connection is not a reopen');

  await host.close();
  // Down for a while: several failed tries, each wait doubling up to the bound.
  await until(() => waits.length >= 6, 'reconnect tries while the host is down');
  host = await startBrowserHost({ handler: a!.handler, staticDir: dir, port, token });
  await until(() => host.connections() === 1, 'the client back on its own');
  await until(() => reopened === 1, 'the window told to catch up on missed events');
  assert.deepEqual(waits.slice(0, 5), [20, 40, 80, 160, 160], 'bounded backoff');

  // Something happens in the core, not asked by this client: the event reaches its listener.
  const seen = events.length;
  const created = await a!.handler.handle('createProfile', { displayName: 'Ana', passphrase: 'pw' });
  assert.ok(created.ok);
  await until(() => events.slice(seen).some((e) => e.type === 'status' && e.status.phase === 'running'), 'an event after the restart');
  const status = await api.status();
  assert.ok(status.ok && status.value.phase === 'running', 'calls work on the reopened socket');

  // A host that refuses the token (a new start prints a new address) is not retried in a loop.
  await host.close();
  host = await startBrowserHost({ handler: a!.handler, staticDir: dir, port, token: 'e'.repeat(64) });
  await until(() => closeCodes.includes(CLOSE_CODES.UNAUTHORIZED), 'a try refused by the restarted host');
  // That close has been handled (the client's handler runs right after this listener).
  assert.equal(pendingTimers, 0, 'no further try is scheduled after a refused token');
  off();
});
