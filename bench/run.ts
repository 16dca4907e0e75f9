// Runs every bench/*.bench.ts in turn, each in its own process (one benchmark's sockets and DHT
// nodes cannot skew the next). Benchmarks print ratios against floors measured in the same run;
// they never assert. Exit code is non-zero only when a benchmark crashed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (only === undefined || f.includes(only))).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
