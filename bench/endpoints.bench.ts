// Endpoint groups benchmark (DESIGN D5 "Cost and scale"), on the shared testbed
// (SOTTO_TESTBED=<description> npm run bench endpoints). For an address book of N contacts (peers
// that never come online) it unlocks a real core and measures, from unlock returning, the time
// until every contact's registry entry points at an uploaded onion (HS_DESC UPLOADED), the number
// of onions created, and the RSS of node and of the core's tor, for one onion per contact (G = 1)
// and for groups. Never asserts. SOTTO_BENCH_SIZES=16,64,100 and SOTTO_BENCH_GROUPS=1,16 choose rows.
import { readdir, readFile } from 'node:fs/promises';
import { ready, toHex, identityFromSeed } from '../src/protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS, unlockProfile } from '../src/main/store/index.ts';
import { SottoCore } from '../src/main/core/sotto-core.ts';
import { EventLog, TEST_TIMINGS, removeDir, servicesFor, testbed } from '../src/main/core/test-support.ts';
import type { CoreServicesFactory } from '../src/main/core/sotto-core.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipWithoutTestbed } from './support.ts';

skipWithoutTestbed();
await ready();
const tb = await testbed();
const sizes = (process.env.SOTTO_BENCH_SIZES ?? '16,64,100').split(',').map(Number);
const groupSizes = (process.env.SOTTO_BENCH_GROUPS ?? '1,16').split(',').map(Number);
const limitMs = Number(process.env.SOTTO_BENCH_LIMIT_MS ?? 400_000);

async function torRssOf(dir: string): Promise<number> {
  let rss = 0;
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (/(^|\/)tor\0/.test(cmd) && cmd.includes(dir)) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      rss += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
    }
  }
  return rss;
}

async function run(n: number, g: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `sotto-endpoints-bench-${n}-${g}-`));
  // A profile with n contacts, written straight into the store.
  const base = servicesFor(tb);
  const first = new SottoCore({ profileDir: dir, services: base, kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS });
  await first.createProfile({ displayName: 'bench', passphrase: 'pw' });
  await first.close();
  const store = await unlockProfile(dir, 'pw');
  for (let i = 0; i < n; i++) {
    const peer = identityFromSeed(new Uint8Array(32).map((_, j) => (j === 0 ? i + 1 : j === 1 ? 91 : 0)));
    await store.contacts.put(toHex(new Uint8Array(16).fill(i + 1)), {
      nickname: `peer ${i}`, identityPk: toHex(peer.publicKey), sharedKey: toHex(new Uint8Array(32).fill(i + 5)), phase: 'confirmed',
      visible: true, verified: false, receipts: false, typing: false, createdAt: Date.now(),
    });
  }
  store.lock();
  // Count what reaches tor and the registry: an onion is "up" when addEndpoint resolves (after
  // HS_DESC UPLOADED); a contact is reachable once its entry names an onion.
  let onions = 0;
  const published = new Map<string, string>();
  let allAt = 0;
  let t0 = 0;
  const services: CoreServicesFactory = async (ctx) => {
    const s = await base(ctx);
    const addEndpoint = s.tor.addEndpoint.bind(s.tor);
    const publish = s.registry.publish.bind(s.registry);
    const t = s.tor;
    const r = s.registry;
    return {
      links: s.links,
      tor: {
        start: (cb) => t.start(cb), onRestart: (l) => t.onRestart(l), removeEndpoint: (o) => t.removeEndpoint(o),
        connect: (o) => t.connect(o), forgetClientAuth: (o) => t.forgetClientAuth(o), stop: () => t.stop(),
        addEndpoint: async (o) => { const res = await addEndpoint(o); onions++; return res; },
      },
      registry: {
        drop: (id) => r.drop(id), watch: (p, l) => r.watch(p, l), setLinked: (id, up) => r.setLinked(id, up), stop: (o) => r.stop(o),
        publish: async (p, v) => {
          await publish(p, v);
          if (v.kind === 'endpoint') published.set(p.id, v.onion);
          if (published.size === n && allAt === 0) allAt = performance.now();
        },
      },
    };
  };
  const core = new SottoCore({
    profileDir: dir, services, kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS,
    endpointGroups: g === 1 ? false : { threshold: 0, size: g },
  });
  const log = new EventLog(core);
  const tu = performance.now();
  await core.unlock({ passphrase: 'pw' });
  t0 = performance.now();
  const deadline = t0 + limitMs;
  while (allAt === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const took = allAt ? `${((allAt - t0) / 1000).toFixed(1)} s` : `not within ${limitMs / 1000} s (${published.size}/${n})`;
  const nodeRss = process.memoryUsage().rss;
  const torRss = await torRssOf(dir);
  const warnings = log.events.filter((e) => e.type === 'warning').length;
  console.log(`N=${n} G=${g}: unlock ${((t0 - tu) / 1000).toFixed(1)} s, all endpoints uploaded + published ${took}, onions ${onions}, `
    + `RSS node ${(nodeRss / 2 ** 20).toFixed(0)} MB, tor ${(torRss / 2 ** 20).toFixed(0)} MB, warnings ${warnings}`);
  await core.close();
  await removeDir(dir);
}

for (const n of sizes) for (const g of groupSizes) await run(n, g);
