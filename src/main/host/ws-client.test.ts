// The renderer's WebSocket client (src/renderer/ipc/ws-client.ts) against the real browser host
// and a real core: every channel has a method, calls round-trip, events arrive, a refused token
// and a stopped host answer IPC_DISCONNECTED instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHANNEL_NAMES, type SottoEvent } from '../../ipc/index.ts';
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
