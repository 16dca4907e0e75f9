// Core benchmark (issue 5), on the shared testbed (SOTTO_TESTBED=<description> npm run bench core).
// Ratios against floors measured in the same run; never asserts. Rows:
//   1. B's tor bootstrapped -> A sees B online, vs. one registry lookup + one onion connect;
//   2. message round trip over the link (send -> ack) vs. raw Tor stream round trip (1-byte echo);
//   3. RSS of a core with 100 contacts (node process + its tor).
import { createServer, type Socket } from 'node:net';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, recordKeyPair, toHex, identityFromSeed } from '../src/protocol/index.ts';
import { OnionEndpoints, connectOnion, socksConnect } from '../src/main/tor/index.ts';
import { gatewayTransportOverTor } from '../src/main/registry/index.ts';
import { unlockProfile } from '../src/main/store/index.ts';
import { startClientTor } from '../src/testbed/client-tor.ts';
import { makeCore, presenceOf, removeDir, testbed } from '../src/main/core/test-support.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const ROUNDS = 7;

if (!process.env.SOTTO_TESTBED) {
  console.log('skipped: needs the shared testbed (SOTTO_TESTBED=<description file>)');
  process.exit(0);
}
await ready();
const tb = await testbed();

// ---- floors: a client tor pair, a plain onion echo service, gateway gets over Tor.
const work = await mkdtemp(join(tmpdir(), 'sotto-core-bench-'));
const [host, client] = await Promise.all([
  startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: join(work, 'host-tor') }),
  startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: join(work, 'client-tor') }),
]);
const echo = createServer((s: Socket) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;
const endpoints = new OnionEndpoints({ control: host.tor.control });
const ep = await endpoints.create({ clientAuthPublicKeys: [], target: { host: '127.0.0.1', port: echoPort }, virtualPort: 1 });
const socksPort = client.tor.socksPort!;
const transport = gatewayTransportOverTor({ gateways: tb.gateways.map((g) => `http://${g.onion}`), socksConnect, socksPort });
const keys = Array.from({ length: 6 }, (_, i) => recordKeyPair(new Uint8Array(32).fill(i + 1)).publicKey);
const lookupTimes: number[] = [];
const connectTimes: number[] = [];
const rttTimes: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  let t0 = performance.now();
  await transport.get(keys);
  lookupTimes.push(performance.now() - t0);
  t0 = performance.now();
  const s = await connectOnion({ socksPort, serviceId: ep.serviceId, port: 1, isolation: `bench-${i}` });
  connectTimes.push(performance.now() - t0);
  for (let k = 0; k < 5; k++) {
    const t1 = performance.now();
    await new Promise<void>((resolve) => { s.once('data', () => resolve()); s.write('x'); });
    rttTimes.push(performance.now() - t1);
  }
  s.destroy();
}
const floorOnline = median(lookupTimes) + median(connectTimes);
const floorRtt = median(rttTimes);
console.log(`floor: registry lookup (6 keys, gateway over Tor): ${ms(median(lookupTimes))}, onion connect (new circuit): ${ms(median(connectTimes))}, sum ${ms(floorOnline)}`);
console.log(`floor: raw Tor stream RTT (1 byte echo over an onion): ${ms(floorRtt)}`);
await transport.close?.();

// ---- 1 + 2: two cores.
const A = await makeCore(tb, 'bench-a');
let B = await makeCore(tb, 'bench-b');
const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
const aAtB = (await B.core.acceptInvitation({ link: inv.link })).contact.id;
const bAtA = inv.contactId!;
await A.log.wait(presenceOf(bAtA, 'online'), 120_000, 0);
const onlineTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const m = A.log.mark;
  await B.core.close();
  await A.log.wait(presenceOf(bAtA, 'offline'), 60_000, m);
  const m2 = A.log.mark;
  B = await makeCore(tb, 'bench-b', { dir: B.dir, create: false });
  // From B's tor reporting 100 % (warm DataDirectory) to A's presence event.
  const i100 = B.log.events.findIndex((e) => e.type === 'tor-bootstrap' && e.progress >= 100);
  const bootstrappedAt = i100 >= 0 ? B.log.times[i100]! : performance.now();
  await A.log.wait(presenceOf(bAtA, 'online'), 120_000, m2);
  const onlineAt = A.log.times[A.log.events.findIndex((e, k) => k >= m2 && e.type === 'presence' && e.contactId === bAtA && e.state === 'online')]!;
  onlineTimes.push(onlineAt - bootstrappedAt);
}
console.log(`B's tor bootstrapped (core starting) -> A sees B online: ${ms(median(onlineTimes))} (median of ${onlineTimes.length}), ratio ${(median(onlineTimes) / floorOnline).toFixed(2)}x the floor`);

const msgTimes: number[] = [];
for (let i = 0; i < 15; i++) {
  const m = B.log.mark;
  const t0 = performance.now();
  const sent = await B.core.sendMessage({ contactId: aAtB, body: `ping ${i}` });
  await B.log.wait((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'acked', 30_000, m);
  msgTimes.push(performance.now() - t0);
}
console.log(`message round trip (persist, send, receiver persists, ack, status stored): ${ms(median(msgTimes))} (median of 15), ratio ${(median(msgTimes) / floorRtt).toFixed(2)}x raw Tor stream RTT`);
await Promise.all([A.core.close(), B.core.close()]);

// ---- 3: RSS with 100 contacts (peers that never come online: endpoints + entries, no links).
const C = await makeCore(tb, 'bench-c');
await C.core.close();
const store = await unlockProfile(C.dir, 'pass-bench-c');
for (let i = 0; i < 100; i++) {
  const peer = identityFromSeed(new Uint8Array(32).fill(0).map((_, j) => (j === 0 ? i + 1 : j === 1 ? 77 : 0)));
  await store.contacts.put(toHex(new Uint8Array(16).fill(i + 1)), {
    nickname: `peer ${i}`, identityPk: toHex(peer.publicKey), sharedKey: toHex(new Uint8Array(32).fill(i + 3)), phase: 'confirmed',
    visible: true, verified: false, receipts: false, typing: false, createdAt: Date.now(),
  });
}
store.lock();
const t100 = performance.now();
const C2 = await makeCore(tb, 'bench-c', { dir: C.dir, create: false });
console.log(`core with 100 contacts: unlock returned after ${ms(performance.now() - t100)}`);
// Endpoints come up in the background; give them the time they need before measuring.
await new Promise((r) => setTimeout(r, Number(process.env.SOTTO_BENCH_SETTLE_MS ?? 60_000)));
const nodeRss = process.memoryUsage().rss;
let torRss = 0;
for (const pid of await readdir('/proc').catch(() => [] as string[])) {
  if (!/^\d+$/.test(pid)) continue;
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (/(^|\/)tor\0/.test(cmd) && cmd.includes(C.dir)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    torRss += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
  }
}
console.log(`RSS with 100 contacts: node ${(nodeRss / 2 ** 20).toFixed(0)} MB (this bench process holds the floor tors' handles too), tor ${(torRss / 2 ** 20).toFixed(0)} MB`);
await C2.core.close();

await endpoints.remove(ep.serviceId).catch(() => undefined);
echo.close();
await Promise.all([host.tor.stop(), client.tor.stop()]);
for (const d of [A.dir, B.dir, C.dir, work]) await removeDir(d);
