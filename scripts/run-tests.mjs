#!/usr/bin/env node
// Runs a test suite with node's own test runner (TypeScript through tsx).
//   unit: every *.test.ts that is not *.int.test.ts (no network beyond 127.0.0.1 servers of its own)
//   int:  every *.int.test.ts, after starting one shared testbed (private Tor network, HyperDHT
//         testnet, gateways); its description file path goes to the tests in SOTTO_TESTBED.
//   e2e:  every e2e/*.e2e.ts (Chromium against browser hosts on the testbed), after one
//         `npm run build:renderer` (and `npm run build:electron` where an Electron runtime
//         exists). `run-tests.mjs int e2e` runs both on the same testbed; an e2e run alone
//         uses SOTTO_TESTBED when it is set (a testbed already running) or starts one.
// Exits non-zero when any test fails; the testbed is always torn down.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdtempSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { electronBinary } from './electron-binary.mjs';

const suites = process.argv.length > 2 ? process.argv.slice(2) : ['unit'];
const suite = suites[0];
const root = new URL('..', import.meta.url).pathname;
const roots = ['src', 'test', 'electron.main.test.ts', 'scripts'];

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

function filesOf(name) {
  const found = name === 'e2e'
    ? walk(join(root, 'e2e'), []).filter((f) => /\.e2e\.ts$/.test(f))
    : roots.flatMap((r) => walk(join(root, r), []))
      .filter((f) => /\.test\.tsx?$/.test(f))
      .filter((f) => (name === 'int') === /\.int\.test\.tsx?$/.test(f));
  return found.map((f) => relative(root, f)).sort();
}

const files = filesOf(suite);
for (const name of suites) {
  if (filesOf(name).length === 0) {
    console.error(`no ${name} test files found`);
    process.exit(1);
  }
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

// Integration files run two at a time: most of their time is spent waiting on Tor circuits and
// descriptor uploads, not on the CPU; each file uses its own profiles (and the privacy file its own
// DHT), so two files share only the testbed's relays and gateways.
const concurrency = process.env.SOTTO_TEST_CONCURRENCY ?? '2';
const baseArgs = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000'];
const testArgs = [...baseArgs, ...files];

if (suite === 'unit') {
  process.exit(await run(process.execPath, testArgs, {}));
}

/** e2e: the renderer is built once, then the spec files run one at a time (each starts hosts). */
async function runE2e(env) {
  // npm_execpath is npm's own script when run through npm; spawned without a shell either way.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const built = await run(npm[0], [...npm[1], 'run', 'build:renderer'], {});
  if (built !== 0) return built;
  // The Electron spec runs on the bundled main process; without a runtime it skips and says why.
  if (electronBinary()) {
    const bundled = await run(npm[0], [...npm[1], 'run', 'build:electron'], {});
    if (bundled !== 0) return bundled;
  }
  // A journey file is one test of the runner: its bound is the whole journey, not one step.
  return run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000', ...filesOf('e2e')], env);
}

if (suites.length === 1 && suite === 'e2e' && process.env.SOTTO_TESTBED) {
  process.exit(await runE2e({}));
}

// Integration (and e2e) suites: one shared testbed for all files.
const { startTestbedProcess } = await import('./testbed-process.mjs');
const dir = mkdtempSync(join(tmpdir(), 'sotto-int-'));
const testbed = await startTestbedProcess({ root, dir });
let code = 0;
try {
  const env = { SOTTO_TESTBED: testbed.descriptionPath };
  for (const name of suites) {
    const c = name === 'e2e' ? await runE2e(env) : await run(process.execPath, [...baseArgs, ...filesOf(name)], env);
    if (c !== 0) code = c;
  }
} finally {
  await testbed.stop();
}
process.exit(code);
