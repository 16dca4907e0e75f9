// Core benchmark (issue 5), on the shared testbed (SOTTO_TESTBED=<description> npm run bench core).
// Ratios against floors measured in the same run; never asserts. Rows:
//   1. B's tor bootstrapped -> A and B both see each other online, vs. one registry lookup + one
//      onion connect, with the test schedule (sweeps every 8-12 s) and with the production schedule
//      (issue 11 item 1), each B start in two cases: B returning (it was linked to A when it
//      stopped, so it dials A's remembered endpoint at once) and B finding A by lookup (the
//      remembered endpoint erased from B's closed profile first: a first start since A came
//      online, or a memory older than A's endpoint). Two floors: "warm" (a tor running for a while: the gateways' and the echo
//      service's descriptors cached) and "cold" (a tor restarted on a warm DataDirectory, timed
//      from its 100 %: B's own situation, every onion descriptor still to fetch);
// The message round trip is bench/message-rtt.bench.ts, 500 contacts bench/contacts500.bench.ts.
// p50 and p95 of every row (issue 11). SOTTO_BENCH_PROD_ROUNDS sets row 1's production rounds
// (default 10); SOTTO_BENCH_PHASES=1 prints each round's phases (bench/presence-trace.ts), not only
// their medians.
import { createServer, type Socket } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, recordKeyPair } from '../src/protocol/index.ts';
import { OnionEndpoints, connectOnion, socksConnect } from '../src/main/tor/index.ts';
import { gatewayTransportOverTor } from '../src/main/registry/index.ts';
import { startClientTor } from '../src/testbed/client-tor.ts';
import { EventLog, TEST_TIMINGS, presenceOf, removeDir, servicesFor, testbed, type TestCore } from '../src/main/core/test-support.ts';
import { SottoCore, type CoreServicesFactory, type CoreTimings } from '../src/main/core/sotto-core.ts';
import type { CoreEvent } from '../src/main/core/types.ts';
import { PhaseTrace, traced } from './presence-trace.ts';
import { realServices } from '../src/main/core/wiring.ts';
import { SWEEP_DEFAULTS } from '../src/main/registry/index.ts';
import { KDF_MINIMAL_FOR_TESTS, unlockProfile } from '../src/main/store/index.ts';
import { pct, skipWithoutTestbed } from './support.ts';

const median = (xs: number[]): number => pct(xs, 0.5);
const p50p95 = (xs: number[], floor: number): string => `p50 ${ms(pct(xs, 0.5))}, p95 ${ms(pct(xs, 0.95))} (n=${xs.length}), ratio p50 ${(pct(xs, 0.5) / floor).toFixed(2)}x, p95 ${(pct(xs, 0.95) / floor).toFixed(2)}x`;
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const ROUNDS = 7;

skipWithoutTestbed();
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
for (let i = 0; i < ROUNDS; i++) {
  let t0 = performance.now();
  await transport.get(keys);
  lookupTimes.push(performance.now() - t0);
  t0 = performance.now();
  const s = await connectOnion({ socksPort, serviceId: ep.serviceId, port: 1, isolation: `bench-${i}` });
  connectTimes.push(performance.now() - t0);
  s.destroy();
}
const floorOnline = median(lookupTimes) + median(connectTimes);
console.log(`floor: registry lookup (6 keys, gateway over Tor): ${ms(median(lookupTimes))}, onion connect (new circuit): ${ms(median(connectTimes))}, sum ${ms(floorOnline)}`);
console.log(`floor: lookup p95 ${ms(pct(lookupTimes, 0.95))}, connect p95 ${ms(pct(connectTimes, 0.95))}`);
await transport.close?.();

// The cold floor: what B's start must do at the least, from the same point (its tor just at 100 %
// on a warm DataDirectory): one registry get (6 keys, both gateways) + one onion connect, each
// fetching its onion's descriptor first (tor keeps none across a restart). One sample per round of
// the presence rows, taken while B is down, so floor and row see the same load.
const coldDir = join(work, 'cold-tor');
await (await startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: coldDir })).tor.stop();
interface ColdFloor { gets: number[]; totals: number[] }
async function sampleColdFloor(into: ColdFloor): Promise<void> {
  const cold = await startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: coldDir });
  const t0 = performance.now();
  const coldTransport = gatewayTransportOverTor({ gateways: tb.gateways.map((g) => `http://${g.onion}`), socksConnect, socksPort: cold.tor.socksPort! });
  try {
    await coldTransport.get(keys);
    into.gets.push(performance.now() - t0);
    const s = await connectOnion({ socksPort: cold.tor.socksPort!, serviceId: ep.serviceId, port: 1, isolation: `cold-${into.totals.length}` });
    into.totals.push(performance.now() - t0);
    s.destroy();
  } catch (err) {
    console.log(`  cold floor sample: ${(err as Error).message}`);
  }
  await coldTransport.close?.();
  await cold.tor.stop();
}
const againstCold = (xs: number[], f: ColdFloor): string => `cold floor (tor restarted, from its 100 % to one registry get + one onion connect) p50 ${ms(median(f.totals))}, p95 ${ms(pct(f.totals, 0.95))}, the get alone p50 ${ms(median(f.gets))} (n=${f.totals.length}); against it: p50 / p50 ${(median(xs) / median(f.totals)).toFixed(2)}x, p95 / p95 ${(pct(xs, 0.95) / pct(f.totals, 0.95)).toFixed(2)}x, p95 / p50 ${(pct(xs, 0.95) / median(f.totals)).toFixed(2)}x`;

/** B's profile (closed) forgets A's endpoint: its next start must find A by lookup. */
async function forgetEndpoint(dir: string, passphrase: string, contactId: string): Promise<void> {
  const store = await unlockProfile(dir, passphrase);
  try {
    await store.contacts.update(contactId, { peerEndpoint: null } as Record<string, unknown>);
  } finally {
    store.lock();
  }
}

// ---- 1 + 2: two cores. `open` makes (or reopens) a core; B restarts with a warm tor DataDirectory.
/** Makes (or reopens) a core on the testbed whose start is traced (bench/presence-trace.ts); no `timings`: the production defaults. */
type Opener = (name: string, dir?: string) => Promise<TestCore & { trace: PhaseTrace }>;
function opener(services: () => CoreServicesFactory, timings?: Partial<CoreTimings>): Opener {
  const open: Opener = async (name, dir) => {
    const profileDir = dir ?? await mkdtemp(join(tmpdir(), `sotto-core-${name}-`));
    const trace = new PhaseTrace();
    const core = new SottoCore({ profileDir, kdf: KDF_MINIMAL_FOR_TESTS, services: traced(services(), trace), ...(timings ? { timings } : {}) });
    const log = new EventLog(core);
    if (dir) await core.unlock({ passphrase: `pass-${name}` });
    else await core.createProfile({ displayName: name, passphrase: `pass-${name}` });
    return { core, log, dir: profileDir, trace, restart: () => open(name, profileDir) };
  };
  return open;
}

const timeOf = (c: TestCore, from: number, match: (e: CoreEvent) => boolean): number | undefined => {
  const k = c.log.events.findIndex((e, i) => i >= from && match(e));
  return k >= 0 ? c.log.times[k] : undefined;
};

/**
 * B restarts `rounds` times while A stays online: from B's tor reporting 100 % to BOTH presence
 * events (A sees B online, B sees A online), the later of the two. Per round, the phases of B's
 * start and A's accept (presence-trace.ts), relative to B's tor ready.
 */
type Start = 'returning' | 'lookup';
async function timeToPresence(label: string, open: Opener, rounds: number, starts: Start[]): Promise<{ A: TestCore; B: TestCore; aAtB: string; times: Map<Start, number[]>; cold: ColdFloor }> {
  const A = await open('bench-a');
  let B = await open('bench-b');
  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
  const aAtB = (await B.core.acceptInvitation({ link: inv.link })).contact.id;
  const bAtA = inv.contactId!;
  await A.log.wait(presenceOf(bAtA, 'online'), 180_000, 0);
  const times = new Map<Start, number[]>(starts.map((k) => [k, []]));
  const aSees: number[] = [];
  const bSees: number[] = [];
  const phases = new Map<string, number[]>();
  const cold: ColdFloor = { gets: [], totals: [] };
  // Rounds alternate between the starts; a 'lookup' round first: B's dial then leaves the
  // endpoint a 'returning' round needs (the pairing session may have had A dial B instead).
  for (let i = 0; i < rounds * starts.length; i++) {
    const start = starts[i % starts.length]!;
    const m = A.log.mark;
    await B.core.close();
    await A.log.wait(presenceOf(bAtA, 'offline'), 60_000, m);
    if (start === 'lookup') await forgetEndpoint(B.dir, 'pass-bench-b', aAtB);
    await sampleColdFloor(cold);
    const m2 = A.log.mark;
    A.trace.reset();
    B = await open('bench-b', B.dir);
    const bootstrappedAt = timeOf(B, 0, (e) => e.type === 'tor-bootstrap' && e.progress >= 100) ?? performance.now();
    try {
      await Promise.all([A.log.wait(presenceOf(bAtA, 'online'), 150_000, m2), B.log.wait(presenceOf(aAtB, 'online'), 150_000, 0)]);
    } catch {
      console.log(`  ${label} round ${i}: not both online within 150 s`);
      continue;
    }
    const a = timeOf(A, m2, presenceOf(bAtA, 'online'))! - bootstrappedAt;
    const b = timeOf(B, 0, presenceOf(aAtB, 'online'))! - bootstrappedAt;
    aSees.push(a);
    bSees.push(b);
    times.get(start)!.push(Math.max(a, b));
    const trace: [string, number][] = [...[...B.trace.at].map(([p, t]): [string, number] => [`B ${p}`, t]), ...[...A.trace.at].map(([p, t]): [string, number] => [`A ${p}`, t])];
    for (const [p, t] of trace) phases.set(p, [...(phases.get(p) ?? []), t - bootstrappedAt]);
    if (process.env.SOTTO_BENCH_PHASES) {
      console.log(`  ${label} round ${i} (${start}): both ${ms(Math.max(a, b))} (A sees B ${ms(a)}, B sees A ${ms(b)}); ${trace.sort((x, y) => x[1] - y[1]).map(([p, t]) => `${p} +${(t - bootstrappedAt).toFixed(0)}`).join(', ')}`);
    }
  }
  console.log(`  ${label}: A sees B p50 ${ms(median(aSees))}, B sees A p50 ${ms(median(bSees))}; phase p50 after B's tor ready: ${[...phases].sort((x, y) => median(x[1]) - median(y[1])).map(([p, ts]) => `${p} ${median(ts).toFixed(0)}`).join(', ')}`);
  return { A, B, aAtB, times, cold };
}

const testSchedule = await timeToPresence('test schedule', opener(() => servicesFor(tb), TEST_TIMINGS), 3, ['lookup']);
const testTimes = testSchedule.times.get('lookup')!;
console.log(`B's tor bootstrapped -> both see each other online, test schedule (sweeps 8-12 s), found by lookup: ${p50p95(testTimes, floorOnline)} of the warm floor; ${againstCold(testTimes, testSchedule.cold)}`);
const { A, B } = testSchedule;

await Promise.all([A.core.close(), B.core.close()]);
for (const d of [A.dir, B.dir]) await removeDir(d);

// The production schedule: default registry timings (sweeps every 90-120 s, slot writes spread)
// and default core timings, as a user runs them; only the KDF is the tests' (unlock speed is row 5
// of bench/store.bench.ts). SOTTO_BENCH_PROD_ROUNDS shrinks it while developing (default 10).
const production = opener(() => realServices({ gateways: tb.gateways.map((g) => `http://${g.onion}`), torrc: tb.tor.clientTorrc }));
const prod = await timeToPresence('production schedule', production, Number(process.env.SOTTO_BENCH_PROD_ROUNDS ?? 10), ['lookup', 'returning']);
const period = `lookup period ${SWEEP_DEFAULTS.sweepMinMs / 1000}-${SWEEP_DEFAULTS.sweepMaxMs / 1000} s`;
const connectsAlone = prod.cold.totals.map((t, i) => t - prod.cold.gets[i]!);
for (const [start, what] of [['returning', 'B returning (A\'s remembered endpoint dialed at start)'], ['lookup', 'B finding A by lookup (no remembered endpoint)']] as const) {
  const xs = prod.times.get(start)!;
  console.log(`B's tor bootstrapped -> both see each other online, production schedule (A already online; ${period}), ${what}: ${p50p95(xs, floorOnline)} of the warm floor; ${againstCold(xs, prod.cold)}`);
}
console.log(`  the cold floor's connect alone (after its get): p50 ${ms(median(connectsAlone))}, p95 ${ms(pct(connectsAlone, 0.95))}`);
console.log(`  a contact that comes online later and does not dial us is read by our next sweep: within one ${period}`);
await Promise.all([prod.A.core.close(), prod.B.core.close()]);
for (const d of [prod.A.dir, prod.B.dir]) await removeDir(d);

await endpoints.remove(ep.serviceId).catch(() => undefined);
echo.close();
await Promise.all([host.tor.stop(), client.tor.stop()]);
await removeDir(work);
