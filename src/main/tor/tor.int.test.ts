// The Tor layer on the shared private Tor network (SOTTO_TESTBED): two client tors, A and B, each
// with its own DataDirectory. B serves per-contact endpoints; A connects with client auth.
// Timings and RSS are printed as `name: value` diagnostics (never asserted: loopback latency
// varies, TESTBED-NOTES).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import {
  OnionEndpoints,
  TorProcess,
  TorError,
  addClientAuth,
  connectOnion,
  findTorBinary,
  removeClientAuth,
  type TorControl,
} from './index.ts';

const descriptionPath = process.env.SOTTO_TESTBED;
const skip = descriptionPath ? false : 'needs the shared testbed (npm run test:int sets SOTTO_TESTBED)';

let clientTorrc: string[] = [];
let torPath = 'tor';
let A: TorProcess;
let B: TorProcess;
let echo: { server: Server; port: number; sockets: Set<Socket> };
const root = mkdtempSync(join(tmpdir(), 'sotto-tor-int-'));

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return Math.round(kb / 102.4) / 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function keyPair(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const kp = sodium.crypto_box_keypair();
  return { publicKey: kp.publicKey, privateKey: kp.privateKey };
}

/** Sends `text` and waits until it comes back from the echo server. */
async function roundTrip(socket: Socket, text: string, timeoutMs = 20_000): Promise<void> {
  let got = '';
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${JSON.stringify(text)} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        if (got === text) resolve();
        else reject(new Error(`echo mismatch: ${JSON.stringify(got)}`));
      }
    };
    const onClose = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      reject(new Error('link closed'));
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
  socket.write(text);
  await done;
}

async function startClient(name: string): Promise<TorProcess> {
  const tor = new TorProcess({ torPath, dataDir: join(root, name), extraTorrc: clientTorrc, restartBackoffsMs: [200, 1000] });
  await tor.start();
  await tor.waitBootstrapped(AbortSignal.timeout(60_000));
  return tor;
}

function connect(tor: TorProcess, serviceId: string, isolation: string, backoffsMs?: number[]): Promise<Socket> {
  return connectOnion({
    socksPort: tor.socksPort!,
    serviceId,
    port: 7000,
    isolation,
    timeoutMs: 60_000,
    backoffsMs: backoffsMs ?? [250, 500, 1000, 1000, 2000, 2000, 4000],
  });
}

before(async () => {
  if (skip) return;
  await sodium.ready;
  const description = JSON.parse(readFileSync(descriptionPath!, 'utf8')) as { tor: { clientTorrc: string[] } };
  clientTorrc = description.tor.clientTorrc;
  torPath = await findTorBinary({ platform: process.platform, arch: process.arch, pathEnv: process.env.PATH });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  echo = { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
  const t0 = Date.now();
  [A, B] = await Promise.all([startClient('A'), startClient('B')]);
  console.log(`client_bootstrap_ms: ${Date.now() - t0}`);
});

after(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  for (const s of echo?.sockets ?? []) s.destroy();
  echo?.server.close();
});

test('B\'s per-contact endpoint is reachable by A with the right client-auth key (round trip)', { skip, timeout: 120_000 }, async (t) => {
  const contact = keyPair();
  const onions = new OnionEndpoints({ control: B.control });
  const t0 = performance.now();
  const endpoint = await onions.create({ clientAuthPublicKeys: [contact.publicKey], target: { host: '127.0.0.1', port: echo.port }, virtualPort: 7000 });
  t.after(() => onions.remove(endpoint.serviceId).catch(() => {}));
  t.diagnostic(`add_onion_to_uploaded_ms: ${endpoint.uploadMs}`);
  await addClientAuth(A.control, endpoint.serviceId, contact.privateKey);
  let retries = 0;
  const socket = await connectOnion({
    socksPort: A.socksPort!, serviceId: endpoint.serviceId, port: 7000, isolation: 'contact:1', timeoutMs: 60_000,
    backoffsMs: [250, 500, 1000, 1000, 2000, 2000, 4000], onRetry: () => { retries++; },
  });
  t.after(() => socket.destroy());
  t.diagnostic(`add_onion_to_first_connect_ms: ${Math.round(performance.now() - t0)} (retries ${retries})`);
  await roundTrip(socket, 'hello B, this is A');
  const rtts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await roundTrip(socket, `ping-${i}`);
    rtts.push(performance.now() - s);
  }
  t.diagnostic(`stream_rtt_median_ms: ${median(rtts).toFixed(2)} (min ${Math.min(...rtts).toFixed(2)}, max ${Math.max(...rtts).toFixed(2)})`);
  const s2 = performance.now();
  const second = await connect(A, endpoint.serviceId, 'contact:1');
  t.after(() => second.destroy());
  t.diagnostic(`second_stream_same_isolation_ms: ${Math.round(performance.now() - s2)}`);
  t.diagnostic(`rss_mb_client_A: ${rssMb(A.pid)}, rss_mb_client_B: ${rssMb(B.pid)}`);
});

test('without the client-auth key A is refused (F4), and with a wrong key too', { skip, timeout: 120_000 }, async (t) => {
  const contact = keyPair();
  const stranger = keyPair();
  const onions = new OnionEndpoints({ control: B.control });
  const endpoint = await onions.create({ clientAuthPublicKeys: [contact.publicKey], target: { host: '127.0.0.1', port: echo.port }, virtualPort: 7000 });
  t.after(() => onions.remove(endpoint.serviceId).catch(() => {}));
  t.after(() => removeClientAuth(A.control, endpoint.serviceId).catch(() => {}));
  await assert.rejects(connect(A, endpoint.serviceId, 'no-key'), (err: TorError) => {
    assert.equal(err.code, 'ONION_MISSING_CLIENT_AUTH', err.message);
    return true;
  });
  await addClientAuth(A.control, endpoint.serviceId, stranger.privateKey);
  let wrongKeyCode = '';
  await assert.rejects(connect(A, endpoint.serviceId, 'wrong-key'), (err: TorError) => {
    wrongKeyCode = err.code;
    return err.code === 'ONION_BAD_CLIENT_AUTH' || err.code === 'ONION_MISSING_CLIENT_AUTH';
  });
  t.diagnostic(`wrong_key_error: ${wrongKeyCode}`);
  // Sanity: the right key opens it, so the refusals above were about the key.
  await addClientAuth(A.control, endpoint.serviceId, contact.privateKey);
  const socket = await connect(A, endpoint.serviceId, 'right-key');
  t.after(() => socket.destroy());
  await roundTrip(socket, 'now with the right key');
});

test('one endpoint can serve a group of contacts: each listed key opens it', { skip, timeout: 120_000 }, async (t) => {
  const first = keyPair();
  const second = keyPair();
  const onions = new OnionEndpoints({ control: B.control });
  const endpoint = await onions.create({
    clientAuthPublicKeys: [first.publicKey, second.publicKey],
    target: { host: '127.0.0.1', port: echo.port },
    virtualPort: 7000,
  });
  t.after(() => onions.remove(endpoint.serviceId).catch(() => {}));
  t.after(() => removeClientAuth(A.control, endpoint.serviceId).catch(() => {}));
  // A plays the second contact of the group.
  await addClientAuth(A.control, endpoint.serviceId, second.privateKey);
  const socket = await connect(A, endpoint.serviceId, 'group-second');
  t.after(() => socket.destroy());
  await roundTrip(socket, 'second member of the group');
});

test('rotation is make-before-break: the open link works until the new endpoint is up', { skip, timeout: 180_000 }, async (t) => {
  const contact = keyPair();
  const onions = new OnionEndpoints({ control: B.control });
  const opts = { clientAuthPublicKeys: [contact.publicKey], target: { host: '127.0.0.1', port: echo.port }, virtualPort: 7000 };
  const old = await onions.create(opts);
  t.after(() => onions.remove(old.serviceId).catch(() => {}));
  await addClientAuth(A.control, old.serviceId, contact.privateKey);
  const link = await connect(A, old.serviceId, 'rotation-old');
  t.after(() => link.destroy());
  await roundTrip(link, 'before rotation');

  // Ping over the old link while the new endpoint is being created.
  let pings = 0;
  let rotating = true;
  const pinger = (async () => {
    while (rotating) {
      await roundTrip(link, `during-${pings}`);
      pings++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const fresh = await onions.rotate(old.serviceId, { ...opts, keepOld: true });
  rotating = false;
  await pinger;
  t.after(() => onions.remove(fresh.serviceId).catch(() => {}));
  assert.ok(pings > 0);
  assert.notEqual(fresh.serviceId, old.serviceId);
  await roundTrip(link, 'old link still up after the new endpoint is up');

  await addClientAuth(A.control, fresh.serviceId, contact.privateKey);
  const moved = await connect(A, fresh.serviceId, 'rotation-new');
  t.after(() => moved.destroy());
  await roundTrip(moved, 'over the new endpoint');

  // Break: remove the old endpoint once the link has moved. Measure what happens to the old link.
  const closed = once(link, 'close').then(() => true);
  await onions.remove(old.serviceId);
  const oldLinkClosed = await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
  const oldLinkWorks = oldLinkClosed ? false : await roundTrip(link, 'after DEL_ONION', 5000).then(() => true, () => false);
  t.diagnostic(`pings_during_rotation: ${pings}; old_link_closed_by_del_onion_within_3s: ${oldLinkClosed}; old_link_carries_data_after_del_onion: ${oldLinkWorks}`);
  assert.deepEqual(onions.list().map((e) => e.serviceId), [fresh.serviceId]);
  await roundTrip(moved, 'new link unaffected by removing the old endpoint');
});

test('kill -9 of B\'s tor mid-session: detected, restarted, new endpoint reachable again', { skip, timeout: 180_000 }, async (t) => {
  const contact = keyPair();
  const target = { host: '127.0.0.1', port: echo.port };
  const onions = new OnionEndpoints({ control: B.control });
  const endpoint = await onions.create({ clientAuthPublicKeys: [contact.publicKey], target, virtualPort: 7000 });
  await addClientAuth(A.control, endpoint.serviceId, contact.privateKey);
  const link = await connect(A, endpoint.serviceId, 'before-crash');
  t.after(() => link.destroy());
  await roundTrip(link, 'before the crash');

  const linkClosed = once(link, 'close');
  const crashed = once(B, 'crashed');
  const restarted = once(B, 'restarted') as Promise<[TorControl]>;
  const killedAt = performance.now();
  process.kill(B.pid!, 'SIGKILL');
  await crashed;
  t.diagnostic(`crash_detected_ms: ${Math.round(performance.now() - killedAt)}`);
  const [control] = await restarted;
  t.diagnostic(`restarted_ms: ${Math.round(performance.now() - killedAt)}`);
  await B.waitBootstrapped(AbortSignal.timeout(60_000));
  t.diagnostic(`rebootstrapped_ms: ${Math.round(performance.now() - killedAt)}`);
  // Re-publish: a new endpoint on the new control connection.
  const again = new OnionEndpoints({ control });
  const fresh = await again.create({ clientAuthPublicKeys: [contact.publicKey], target, virtualPort: 7000 });
  t.after(() => again.remove(fresh.serviceId).catch(() => {}));
  await addClientAuth(A.control, fresh.serviceId, contact.privateKey);
  const socket = await connect(A, fresh.serviceId, 'after-crash');
  t.after(() => socket.destroy());
  await roundTrip(socket, 'after the restart');
  t.diagnostic(`kill_to_reachable_again_ms: ${Math.round(performance.now() - killedAt)}`);
  // A's side of the dead link learns it only when the relays notice B's tor is gone.
  await Promise.race([linkClosed, new Promise((_, reject) => setTimeout(() => reject(new Error('old link did not close')), 60_000))]);
  t.diagnostic(`old_link_closed_ms: ${Math.round(performance.now() - killedAt)}`);
});
