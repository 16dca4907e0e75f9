// The browser host's WebSocket bridge (docs/ARCHITECTURE.md "Browser host") against floors taken
// in the same run; prints, never asserts:
//   npx tsx bench/ipc-bridge.bench.ts
// - floors: a bare `ws` echo round trip on 127.0.0.1 (same library, same loopback) of a small
//   call and of a call carrying a 16 KiB body
// - in process: IpcHandler.handle('status') (schema parse + core call, no socket)
// - bridge: 'status' through the host (token-authorised socket, rate limit, JSON both ways)
// - bridge with a 16 KiB message body: the body schema runs the frame encoder before the core
//   refuses (locked profile), so this is the cost of validating the largest text input
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { SottoCore } from '../src/main/index.ts';
import { IpcHandler, UiSettings, startBrowserHost } from '../src/main/host/index.ts';
import { pct } from './support.ts';

const N = 2000;
const us = (ms: number) => `${(ms * 1000).toFixed(0)} us`;

async function rounds(one: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 100; i++) await one(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await one();
    out.push(performance.now() - t0);
  }
  return out;
}

function client(url: string, origin: string): Promise<{ ask(text: string): Promise<string>; send(text: string): void; close(): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin } });
    let waiting: ((s: string) => void) | null = null;
    ws.on('message', (d) => { const w = waiting; waiting = null; w?.(d.toString()); });
    ws.once('error', reject);
    ws.once('open', () => resolve({
      ask: (text) => new Promise((r) => { waiting = r; ws.send(text); }),
      send: (text) => ws.send(text),
      close: () => ws.close(),
    }));
  });
}

const root = mkdtempSync(join(tmpdir(), 'sotto-ipc-bench-'));
try {
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  echo.on('connection', (s) => s.on('message', (d) => s.send(d.toString())));
  await new Promise((r) => echo.once('listening', r));
  const echoPort = (echo.address() as { port: number }).port;
  const e = await client(`ws://127.0.0.1:${echoPort}`, 'http://x');
  const floor = await rounds(() => e.ask('{"type":"call","id":1,"channel":"status"}'));
  const bigCall = JSON.stringify({ type: 'call', id: 1, channel: 'sendMessage', input: { contactId: 'c', body: 'x'.repeat(16 * 1024) } });
  const floorBig = await rounds(() => e.ask(bigCall));
  e.close();
  echo.close();

  const core = new SottoCore({ profileDir: join(root, 'p'), services: async () => { throw new Error('no network in this bench'); } });
  const handler = new IpcHandler({
    core, settings: new UiSettings(() => core.settingsStore()),
    actions: { openExternal: async () => undefined, openSession: async () => ({ route: '', opened: false }), activity: () => undefined },
  });
  const direct = await rounds(() => handler.handle('status', undefined));

  const host = await startBrowserHost({ handler, staticDir: root, limits: { burst: 1e9, perSecond: 1e9 } });
  const url = new URL(host.url);
  const c = await client(`ws://127.0.0.1:${host.port}/ipc`, host.origin);
  c.send(JSON.stringify({ type: 'auth', token: url.hash.slice(3) }));
  let id = 0;
  const bridge = await rounds(() => c.ask(JSON.stringify({ type: 'call', id: ++id, channel: 'status' })));
  const body = 'x'.repeat(16 * 1024);
  const big = await rounds(() => c.ask(JSON.stringify({ type: 'call', id: ++id, channel: 'sendMessage', input: { contactId: 'c', body } })));
  c.close();
  await host.close();

  const row = (name: string, xs: number[], base = floor) => console.log(
    `${name.padEnd(34)} p50 ${us(pct(xs, 0.5)).padStart(8)}  p95 ${us(pct(xs, 0.95)).padStart(8)}  x floor p50 ${(pct(xs, 0.5) / pct(base, 0.5)).toFixed(2)}  p95 ${(pct(xs, 0.95) / pct(base, 0.95)).toFixed(2)}`);
  console.log(`${N} round trips each`);
  row('floor: bare ws echo', floor);
  row('in process: handler status', direct);
  row('bridge: status', bridge);
  row('floor: bare ws echo, 16 KiB call', floorBig, floorBig);
  row('bridge: 16 KiB body validated', big, floorBig);
} finally {
  rmSync(root, { recursive: true, force: true });
}
