// Capacity of one gateway (docs/GATEWAY.md "Capacity"): the real CLI (`src/gateway/cli.ts`, default
// limits) as its own process on a 30-node loopback HyperDHT testnet, driven by C concurrent clients
// (one TCP connection per request, as over Tor with per-request circuits): puts, 1-key gets, 12-key
// gets. The floor is a raw hyperdht client (same window) doing the same operations at the same
// concurrency in the same run, in interleaved slices (gateway, floor, gateway, ...) so that a
// change of machine load hits both alike. RSS is read from the gateway's /metrics.
// Prints, never asserts.   npx tsx bench/gateway-capacity.bench.ts [seconds-per-phase] [concurrency]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GATEWAY_MAX_WINDOW } from '../src/gateway/registry-dht.ts';
import { httpJson, recordKeyPair, signedRecord, startTestnet } from '../src/gateway/test-support.ts';

const require = createRequire(import.meta.url);
const Persistent = require('hyperdht/lib/persistent.js') as { signMutable(seq: number, value: Buffer, kp: object): Buffer };

const seconds = Number(process.argv[2] ?? 8);
const ROUNDS = 4; // each kind of operation runs in ROUNDS slices of seconds / ROUNDS
const concurrency = Number(process.argv[3] ?? 32);
const VALUE = Buffer.alloc(600, 9); // registry values are fixed-size

interface Phase { ops: number; perSecond: number; p50: number; p95: number; refused: Record<string, number>; gatewayCpuPercent: number | null }

/** CPU seconds the gateway process used so far (Linux /proc; null elsewhere). */
function gatewayCpuSeconds(): number | null {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

function quantile(sorted: number[], q: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
}

/** One kind of operation, measured over several slices. op returns null on success or a refusal code. */
class Load {
  private readonly latencies: number[] = [];
  private readonly refused: Record<string, number> = {};
  private elapsedS = 0;
  private cpuS: number | null = 0;
  private next = 0;
  constructor(private readonly op: (i: number) => Promise<string | null>) {}

  /** `concurrency` closed loops for seconds / ROUNDS. */
  async slice(): Promise<void> {
    const cpuBefore = gatewayCpuSeconds();
    const started = performance.now();
    const until = started + (seconds * 1000) / ROUNDS;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const code = await this.op(this.next++).catch((err: unknown) => (err instanceof Error ? err.name : 'ERROR'));
        if (code === null) this.latencies.push(performance.now() - t);
        else this.refused[code] = (this.refused[code] ?? 0) + 1;
      }
    }));
    this.elapsedS += (performance.now() - started) / 1000;
    const cpuAfter = gatewayCpuSeconds();
    this.cpuS = this.cpuS === null || cpuBefore === null || cpuAfter === null ? null : this.cpuS + cpuAfter - cpuBefore;
  }

  summary(): Phase {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      ops: sorted.length, perSecond: Math.round(sorted.length / this.elapsedS), p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95),
      refused: this.refused, gatewayCpuPercent: this.cpuS === null ? null : Math.round((100 * this.cpuS) / this.elapsedS),
    };
  }
}

const testnet = await startTestnet(30);
const cli = fileURLToPath(new URL('../src/gateway/cli.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', cli, '--bootstrap', testnet.bootstrapStrings.join(','), '--dht-host', '127.0.0.1'],
  { stdio: ['ignore', 'pipe', 'ignore'] });
const started = await new Promise<{ url: string; monitor: string }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`gateway exited ${code}`)));
  createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { url: string; monitor: string }));
});

async function rssMiB(): Promise<number> {
  const text = String((await httpJson(started.monitor, { path: '/metrics' })).body);
  const m = /^process_resident_memory_bytes (\d+)$/m.exec(text);
  return Math.round(Number(m?.[1] ?? 0) / 2 ** 20);
}

const rssIdle = await rssMiB();
const code = (reply: Awaited<ReturnType<typeof httpJson>>): string | null => {
  if (reply.status === 200) return null;
  const body = reply.body as { error?: { code?: string } } | null;
  return body?.error?.code ?? String(reply.status);
};

// Floor: the same operations straight on a HyperDHT client with the gateway's window.
const raw = testnet.createNode({ maxWindow: GATEWAY_MAX_WINDOW });
await raw.fullyBootstrapped();
const rawPutOne = async (kp: ReturnType<typeof recordKeyPair>): Promise<void> => {
  await raw.mutablePut(kp, VALUE, { seq: 1, signMutable: (s: number, v: Buffer) => Persistent.signMutable(s, v, kp) });
};

const stored: string[] = [];
const rawKeys: Buffer[] = [];
const gatewayPut = new Load(async () => {
  const record = signedRecord(recordKeyPair(), 1, VALUE);
  const c = code(await httpJson(started.url, { path: '/v1/put', json: record }));
  if (c === null) stored.push(record.publicKey);
  return c;
});
const rawPutLoad = new Load(async () => {
  const kp = recordKeyPair();
  await rawPutOne(kp);
  rawKeys.push(kp.publicKey);
  return null;
});
// What the gateway does per put: read the newest stored record (seq check), then put.
const rawCheckedPutLoad = new Load(async () => {
  const kp = recordKeyPair();
  await raw.mutableGet(kp.publicKey, { latest: true });
  await rawPutOne(kp);
  return null;
});
for (let round = 0; round < ROUNDS; round++) {
  for (const load of [gatewayPut, rawPutLoad, rawCheckedPutLoad]) await load.slice();
}
const rssAfterPuts = await rssMiB();

const pick = (i: number): string => stored[i % Math.max(1, stored.length)] ?? '';
const gatewayGet = new Load(async (i) => code(await httpJson(started.url, { path: '/v1/get', json: { publicKeys: [pick(i)] } })));
const gatewayGet12 = new Load(async (i) => code(await httpJson(started.url, {
  path: '/v1/get', json: { publicKeys: Array.from({ length: 12 }, (_, k) => pick(i * 12 + k)) },
})));
const rawGetLoad = new Load(async (i) => {
  await raw.mutableGet(rawKeys[i % rawKeys.length] ?? Buffer.alloc(32), { latest: true });
  return null;
});
for (let round = 0; round < ROUNDS; round++) {
  for (const load of [gatewayGet, rawGetLoad, gatewayGet12]) await load.slice();
}
const rssAfterGets = await rssMiB();

const gwPut = gatewayPut.summary();
const rawPut = rawPutLoad.summary();
const rawCheckedPut = rawCheckedPutLoad.summary();
const gwGet = gatewayGet.summary();
const rawGet = rawGetLoad.summary();
const gwGet12 = gatewayGet12.summary();

const ratio = (a: Phase, b: Phase): number => Number((a.perSecond / Math.max(1, b.perSecond)).toFixed(2));
console.log(JSON.stringify({ seconds, rounds: ROUNDS, concurrency, testnetNodes: 30, limits: 'CLI defaults' }));
console.log(JSON.stringify({ op: 'raw DHT put (floor)', ...rawPut }));
console.log(JSON.stringify({ op: 'raw DHT get+put (the gateway\'s work per put)', ...rawCheckedPut }));
console.log(JSON.stringify({ op: 'gateway put', ...gwPut, ratio_to_raw: ratio(gwPut, rawPut), ratio_to_raw_get_put: ratio(gwPut, rawCheckedPut) }));
console.log(JSON.stringify({ op: 'raw DHT get (floor)', ...rawGet }));
console.log(JSON.stringify({ op: 'gateway get, 1 key', ...gwGet, ratio_to_raw: ratio(gwGet, rawGet) }));
console.log(JSON.stringify({ op: 'gateway get, 12 keys', ...gwGet12, keysPerSecond: gwGet12.perSecond * 12,
  keys_ratio_to_raw: Number(((gwGet12.perSecond * 12) / Math.max(1, rawGet.perSecond)).toFixed(2)) }));
console.log(JSON.stringify({ gateway_rss_mib: { idle: rssIdle, after_puts: rssAfterPuts, after_gets: rssAfterGets } }));

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await raw.destroy();
await testnet.destroy();
