#!/usr/bin/env node
// Runs a test suite with node's own test runner (TypeScript through tsx).
//   unit: every *.test.ts that is not *.int.test.ts (no network beyond 127.0.0.1 servers of its own)
//   int:  every *.int.test.ts, after starting one shared testbed (private Tor network, HyperDHT
//         testnet, gateways); its description file path goes to the tests in SOTTO_TESTBED.
// Exits non-zero when any test fails; the testbed is always torn down.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdtempSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const suite = process.argv[2] ?? 'unit';
const root = new URL('..', import.meta.url).pathname;
const roots = ['src', 'electron.main.test.ts', 'scripts'];

function walk(p, out) {
  if (!existsSync(p)) return out;
  const st = statSync(p);
  if (st.isFile()) { out.push(p); return out; }
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    walk(join(p, name), out);
  }
  return out;
}

const files = roots.flatMap((r) => walk(join(root, r), []))
  .filter((f) => /\.test\.tsx?$/.test(f))
  .filter((f) => (suite === 'int') === /\.int\.test\.tsx?$/.test(f))
  .map((f) => relative(root, f))
  .sort();

if (files.length === 0) {
  console.error(`no ${suite} test files found`);
  process.exit(1);
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const concurrency = process.env.SOTTO_TEST_CONCURRENCY ?? (suite === 'int' ? '1' : '2');
const testArgs = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files];

if (suite !== 'int') {
  process.exit(await run(process.execPath, testArgs, {}));
}

// Integration suite: one shared testbed for all files.
const { startTestbedProcess } = await import('./testbed-process.mjs');
const dir = mkdtempSync(join(tmpdir(), 'sotto-int-'));
const testbed = await startTestbedProcess({ root, dir });
let code = 1;
try {
  code = await run(process.execPath, testArgs, { SOTTO_TESTBED: testbed.descriptionPath });
} finally {
  await testbed.stop();
}
process.exit(code);
