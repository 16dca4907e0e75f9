// Measures put/get latency through the gateway on loopback against raw hyperdht mutablePut /
// mutableGet in the same run (DESIGN: benchmarks print ratios to the floor), and concurrent put
// throughput with dht-rpc's default congestion window vs GATEWAY_MAX_WINDOW.
//   npx tsx src/gateway/latency.bench.ts [rounds]
import { createRequire } from 'node:module';
import { startGateway } from './server.ts';
import { httpJson, recordKeyPair, signedRecord, startTestnet } from './test-support.ts';

const require = createRequire(import.meta.url);
const Persistent = require('hyperdht/lib/persistent.js') as { signMutable(seq: number, value: Buffer, kp: object): Buffer };

const rounds = Number(process.argv[2] ?? 200);
const VALUE = Buffer.alloc(600, 1); // registry values are fixed-size, ~600 B

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { median: at(0.5), p95: at(0.95) };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const testnet = await startTestnet(30);
const raw = testnet.createNode({ maxWindow: 1000 });
await raw.fullyBootstrapped();
const gateway = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1',
  limits: { perConnection: { burst: 1e6, perSecond: 1e6 }, global: { burst: 1e6, perSecond: 1e6 } } });

const rawPut: number[] = [];
const rawGet: number[] = [];
const gwPut: number[] = [];
const gwGet: number[] = [];
const gwGet12: number[] = [];
const keys: string[] = [];
for (let i = 0; i < rounds; i++) {
  const kpRaw = recordKeyPair();
  rawPut.push(await timed(() => raw.mutablePut(kpRaw, VALUE, { seq: 1, signMutable: (s: number, v: Buffer) => Persistent.signMutable(s, v, kpRaw) })));
  rawGet.push(await timed(() => raw.mutableGet(kpRaw.publicKey, { latest: true })));
  const kp = recordKeyPair();
  const record = signedRecord(kp, 1, VALUE);
  keys.push(record.publicKey);
  // One fresh TCP connection per request, as a client isolating every request on its own circuit.
  gwPut.push(await timed(async () => {
    const r = await httpJson(gateway.url, { path: '/v1/put', json: record });
    if (r.status !== 200) throw new Error(`put ${r.status}`);
  }));
  gwGet.push(await timed(() => httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: [record.publicKey] } })));
  if (keys.length >= 12) gwGet12.push(await timed(() => httpJson(gateway.url, { path: '/v1/get', json: { publicKeys: keys.slice(-12) } })));
}
const ratio = (a: number[], b: number[]): number => Number((stats(a).median / stats(b).median).toFixed(2));
console.log(JSON.stringify({
  rounds,
  raw_put_ms: stats(rawPut), raw_get_ms: stats(rawGet),
  gateway_put_ms: stats(gwPut), gateway_get_ms: stats(gwGet), gateway_get12_ms: stats(gwGet12),
  put_ratio: ratio(gwPut, rawPut), get_ratio: ratio(gwGet, rawGet),
}));
await gateway.close();

// 16 clients putting at once through one gateway, default window vs ours.
for (const maxWindow of [80, 1000]) {
  const gw = await startGateway({ bootstrap: testnet.bootstrapStrings, dhtHost: '127.0.0.1', maxWindow,
    limits: { perConnection: { burst: 1e6, perSecond: 1e6 }, global: { burst: 1e6, perSecond: 1e6 } } });
  const lat: number[] = [];
  const total = 480;
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < total) {
      next++;
      const record = signedRecord(recordKeyPair(), 1, VALUE);
      lat.push(await timed(() => httpJson(gw.url, { path: '/v1/put', json: record })));
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ maxWindow, concurrency: 16, puts: total, puts_per_s: Math.round(total / seconds), put_ms: stats(lat) }));
  await gw.close();
}
await testnet.destroy();
