// `npm run gateway -- --onion` on the shared testbed (private Tor network + HyperDHT testnet):
// the CLI starts its own tor, publishes the gateway as an onion service, and a separate client tor
// reaches it over SOCKS and round-trips a client-signed record. Real tor on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TorProcess } from '../main/tor/process.ts';
import { readTestbedDescription } from '../testbed/description.ts';
import { httpJson, recordKeyPair, signedRecord } from './test-support.ts';

const root = new URL('../..', import.meta.url).pathname;

/** SOCKS5 CONNECT by hostname (RFC 1928); resolves with the open socket or the reply code. */
function socksConnect(socksPort: number, host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socksPort, '127.0.0.1');
    let stage = 0;
    let buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 0 && buffer.length >= 2) {
        if (buffer[1] !== 0) return reject(new Error('socks auth refused'));
        buffer = buffer.subarray(2);
        stage = 1;
        const name = Buffer.from(host);
        socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 255])]));
      }
      if (stage === 1 && buffer.length >= 10) {
        socket.removeAllListeners('data');
        if (buffer[1] !== 0) {
          socket.destroy();
          reject(Object.assign(new Error(`socks reply 0x${(buffer[1] ?? 0).toString(16)}`), { socksReply: buffer[1] }));
          return;
        }
        resolve(socket);
      }
    });
    socket.write(Buffer.from([5, 1, 0]));
  });
}

/** One HTTP/1.1 request on its own Tor stream; returns status and parsed JSON body. */
async function requestOverTor(socksPort: number, onion: string, method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const socket = await socksConnect(socksPort, onion, 80);
  const body = json === undefined ? '' : JSON.stringify(json);
  socket.write(`${method} ${path} HTTP/1.1\r\nhost: ${onion}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as unknown };
}

test('npm run gateway -- --onion is reachable over Tor and round-trips a signed record', { timeout: 180_000 }, async (t) => {
  const descriptionPath = process.env.SOTTO_TESTBED;
  if (descriptionPath === undefined) {
    t.skip('needs the shared testbed (npm run test:int)');
    return;
  }
  const testbed = await readTestbedDescription(descriptionPath);
  const dir = await mkdtemp(join(tmpdir(), 'sotto-gateway-onion-'));
  const args = ['--import', 'tsx', 'src/gateway/cli.ts', '--bootstrap', testbed.dht.bootstrap.join(','), '--dht-host', '127.0.0.1',
    '--onion', '--tor-data-dir', join(dir, 'gateway-tor'), ...testbed.tor.clientTorrc.flatMap((line) => ['--torrc', line])];
  const startCli = () => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8000);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const announced = new Promise<{ url: string; monitor: string; onion: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const nl = out.indexOf('\n');
        if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)) as { url: string; monitor: string; onion: string });
      });
      void exited.then((code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
    });
    announced.catch(() => {});
    return { child, exited, announced, stderr: () => stderr };
  };
  let gateway = startCli();
  const client = new TorProcess({ torPath: 'tor', dataDir: join(dir, 'client-tor'), extraTorrc: [...testbed.tor.clientTorrc] });
  try {
    const started = Date.now();
    const announced = await gateway.announced;
    const publishMs = Date.now() - started;
    const stderr = gateway.stderr();
    assert.match(announced.onion, /^[a-z2-7]{55}d\.onion$/);
    // Logs must not print the address in full nor any key (they are shipped to operators' log stores).
    assert.doesNotMatch(stderr, new RegExp(announced.onion.slice(0, 56)));

    await client.start();
    await client.waitBootstrapped();
    const socksPort = client.socksPort;
    assert.ok(socksPort !== null);

    // Descriptors may take a moment to reach the HSDirs the client asks (SOCKS 0xF0-0xF3).
    let health: { status: number; body: unknown } | undefined;
    for (let attempt = 0; attempt < 20 && health === undefined; attempt++) {
      try {
        health = await requestOverTor(socksPort, announced.onion, 'GET', '/v1/health');
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    assert.ok(health, 'gateway onion not reachable');
    assert.equal(health.status, 200);

    const record = signedRecord(recordKeyPair(), 7, Buffer.alloc(600, 3));
    const putStarted = Date.now();
    const put = await requestOverTor(socksPort, announced.onion, 'POST', '/v1/put', record);
    const putMs = Date.now() - putStarted;
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const getStarted = Date.now();
    const got = await requestOverTor(socksPort, announced.onion, 'POST', '/v1/get', { publicKeys: [record.publicKey] });
    const getMs = Date.now() - getStarted;
    assert.deepEqual(got.body, { ok: true, records: [record] });
    t.diagnostic(`cli start to onion published ${publishMs} ms; over Tor: put ${putMs} ms, get ${getMs} ms`);

    // The put that came over Tor shows on the loopback monitor port; the onion serves no metrics.
    assert.match(announced.monitor, /^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await httpJson(announced.monitor, { path: '/metrics' });
    assert.match(String(metrics.body), /^sotto_gateway_puts_total 1$/m);
    assert.match(String(metrics.body), /^sotto_gateway_gets_total 1$/m);
    const overOnion = await requestOverTor(socksPort, announced.onion, 'GET', '/metrics');
    assert.equal(overOnion.status, 404);

    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0);

    // The onion key is kept in the data dir: clients configure gateway addresses, so a restarted
    // gateway must come back under the same one.
    gateway = startCli();
    assert.equal((await gateway.announced).onion, announced.onion);
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0);
  } finally {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
    await client.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
