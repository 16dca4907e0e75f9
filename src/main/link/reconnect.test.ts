import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { backoffDelay, reconnectWithBackoff } from './reconnect.ts';

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function tcpConnect(port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', signal });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('backoff schedule: jittered around each step, the last step repeats', () => {
  const schedule = [100, 200, 400];
  assert.equal(backoffDelay(schedule, 0, 0.2, () => 0.5), 100);
  assert.equal(backoffDelay(schedule, 1, 0.2, () => 0), 160);
  assert.equal(backoffDelay(schedule, 2, 0.2, () => 0.999999), 480);
  assert.equal(backoffDelay(schedule, 9, 0, () => 0.3), 400);
});

test('redials a refused TCP port with the injected backoff until a listener appears', async () => {
  const port = await freePort();
  const retries: { attempt: number; delayMs: number; code: string }[] = [];
  let server: net.Server | null = null;
  const socket = await reconnectWithBackoff({
    backoffMs: [10, 20, 40],
    jitter: 0,
    connect: (_attempt, signal) => tcpConnect(port, signal),
    onRetry: ({ attempt, delayMs, error }) => {
      retries.push({ attempt, delayMs, code: (error as NodeJS.ErrnoException).code ?? '' });
      if (attempt === 3) server = net.createServer((s) => s.end()).listen(port, '127.0.0.1');
    },
  });
  assert.deepEqual(retries, [
    { attempt: 1, delayMs: 10, code: 'ECONNREFUSED' },
    { attempt: 2, delayMs: 20, code: 'ECONNREFUSED' },
    { attempt: 3, delayMs: 40, code: 'ECONNREFUSED' },
  ]);
  socket.destroy();
  (server as net.Server | null)?.close();
});

test('abort stops the loop during a wait or an attempt; maxAttempts rethrows the last error', async () => {
  const port = await freePort();
  const controller = new AbortController();
  const started = Date.now();
  const run = reconnectWithBackoff({
    backoffMs: [60_000],
    signal: controller.signal,
    connect: (_a, signal) => tcpConnect(port, signal),
    onRetry: () => setTimeout(() => controller.abort(), 5),
  });
  await assert.rejects(run, { code: 'LINK_RECONNECT_ABORTED' });
  assert.ok(Date.now() - started < 5_000);

  await assert.rejects(reconnectWithBackoff({ signal: AbortSignal.abort(), connect: async () => 1 }), { code: 'LINK_RECONNECT_ABORTED' });

  let attempts = 0;
  await assert.rejects(reconnectWithBackoff({
    backoffMs: [1], maxAttempts: 3,
    connect: (_a, signal) => { attempts++; return tcpConnect(port, signal); },
  }), { code: 'ECONNREFUSED' });
  assert.equal(attempts, 3);

  await assert.rejects(reconnectWithBackoff({ backoffMs: [], connect: async () => 1 }), { code: 'LINK_BAD_OPTIONS' });
});
