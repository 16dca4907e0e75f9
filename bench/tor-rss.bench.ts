// What a profile's tor is made of in memory with 500 contacts (issue 11 item 4), quicker than
// contacts500 (~4 min instead of ~7): SOTTO_TESTBED=<description> npm run bench tor-rss
// One tor, through the app's TorProcess and torrc, joined to the shared testbed; 32 group onions
// with 16 client-auth keys each (500 contacts' endpoints); then registry gets through the
// gateways, each its own SOCKS isolation (own circuits), as many and as fast as the 500-contact
// start in contacts500 (1,536 slot writes, 8 in flight). Prints tor's RSS split into heap / other
// anonymous / files (/proc/<pid>/smaps), its threads and its open circuits by purpose, at each
// step and twice a minute apart after (circuits closing), with the ratio to the floor: the same
// tor bootstrapped, nothing made yet. Only the peak matters: glibc keeps what tor freed.
// SOTTO_BENCH_REQUESTS (default 1,536), SOTTO_BENCH_IN_FLIGHT (default 8, the registry's put bound),
// SOTTO_BENCH_TOR_ENV / SOTTO_BENCH_TORRC ("A=1;B=2" / "Option value;Option value") to compare
// settings in the same conditions without editing code. Prints; never asserts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayTransport, torConnector, verifySignedRecord } from '../src/main/registry/index.ts';
import { OnionEndpoints, socksConnect, TorProcess, type TorControl } from '../src/main/tor/index.ts';
import { processRssBytes } from '../src/testbed/rss.ts';
import { removeDir, testbed } from '../src/main/core/test-support.ts';
import { skipWithoutTestbed } from './support.ts';

skipWithoutTestbed();
const tb = await testbed();
const requests = Number(process.env.SOTTO_BENCH_REQUESTS ?? 1_536);
const inFlight = Number(process.env.SOTTO_BENCH_IN_FLIGHT ?? 8);
const list = (v: string | undefined): string[] => (v ?? '').split(';').map((s) => s.trim()).filter((s) => s.length > 0);
const extraEnv = Object.fromEntries(list(process.env.SOTTO_BENCH_TOR_ENV).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const extraTorrc = list(process.env.SOTTO_BENCH_TORRC);
const work = await mkdtemp(join(tmpdir(), 'sotto-bench-torrss-'));
const tor = new TorProcess({
  torPath: 'tor', dataDir: join(work, 'tor'), extraTorrc: [...tb.tor.clientTorrc, ...extraTorrc],
  spawn: ((cmd: string, args: string[], o: Parameters<typeof spawn>[2]) => spawn(cmd, args, { ...o, env: { ...(o.env ?? process.env), ...extraEnv } })) as typeof spawn,
});
console.log(`tor env ${JSON.stringify(extraEnv)}, extra torrc ${JSON.stringify(extraTorrc)}; ${requests} isolated gets, ${inFlight} in flight`);
const t0 = performance.now();
let floorRss = 0; // set by the first report
await tor.start();
await tor.waitBootstrapped();
const control = tor.control;
await report('bootstrapped (floor)');

// ---- 32 group onions, 16 client-auth keys each, as the core makes them for 500 contacts.
const endpoints = new OnionEndpoints({ control });
const keys = (): Uint8Array[] => Array.from({ length: 16 }, () => new Uint8Array(randomBytes(32)));
await Promise.all(Array.from({ length: 32 }, () => endpoints.create({ clientAuthPublicKeys: keys(), target: { host: '127.0.0.1', port: 9 }, virtualPort: 80 })));
await report('32 onions uploaded');

// ---- the registry's requests: every get its own isolation (torConnector's default), fanned out.
const transport = new GatewayTransport({
  gateways: tb.gateways.map((g) => `http://${g.onion}`), getFanout: 1, connect: torConnector({ socksConnect, socksPort: () => tor.socksPort! }), verify: verifySignedRecord,
});
let ok = 0;
let failed = 0;
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (next < requests) {
    next++;
    await transport.get([new Uint8Array(randomBytes(32))]).then(() => { ok++; }, () => { failed++; });
  }
}));
await report(`${requests} gets done in ${((performance.now() - started) / 1000).toFixed(0)} s (${ok} answered, ${failed} failed)`);
for (const after of [60, 120]) {
  await new Promise((r) => setTimeout(r, 60_000)); // a measurement window, not a wait for an event
  await report(`${after} s after the last get`);
}
await transport.close();
await tor.stop();
await removeDir(work);

async function report(when: string): Promise<void> {
  const pid = tor.pid;
  const rss = await processRssBytes(pid);
  floorRss ||= rss;
  const parts = await smapsSplit(pid!);
  const threads = (await readdir(`/proc/${pid}/task`)).length;
  const circuits = await openCircuits(control);
  const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
  console.log(`${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s ${when}: tor RSS ${mb(rss)} MB (${(rss / floorRss).toFixed(2)}x the floor) = heap ${mb(parts.heap)} + other anon ${mb(parts.anon)} + files ${mb(parts.files)}; ${threads} threads; ${circuits.total} circuits open (${circuits.byPurpose})`);
}

/** Resident bytes of the brk heap, other anonymous mappings (thread arenas, stacks) and files. */
async function smapsSplit(pid: number): Promise<{ heap: number; anon: number; files: number }> {
  const out = { heap: 0, anon: 0, files: 0 };
  let kind: keyof typeof out = 'anon';
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) kind = head[1] === '[heap]' ? 'heap' : head[1]!.startsWith('/') ? 'files' : 'anon';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]) * 1024;
  }
  return out;
}

async function openCircuits(c: TorControl): Promise<{ total: number; byPurpose: string }> {
  const lines = ((await c.getInfo(['circuit-status'])).get('circuit-status') ?? '').split('\n').filter((l) => / BUILT /.test(l));
  const purposes = new Map<string, number>();
  for (const l of lines) {
    const state = /HS_STATE=(\S+)/.exec(l)?.[1];
    const p = `${/PURPOSE=(\S+)/.exec(l)?.[1] ?? '?'}${state ? `/${state}` : ''}`;
    purposes.set(p, (purposes.get(p) ?? 0) + 1);
  }
  return { total: lines.length, byPurpose: [...purposes].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`).join(', ') };
}
