// Finds the local testbed the console runs on, or starts one in this process (DESIGN D9): no real
// Tor network is reachable where Sotto is built, so the console must bring its own.
// A description file is trusted only if its gateways answer on loopback: the gateways live in the
// process that started the testbed, so an answer means its tor network and DHT are up too.
import { accessSync, constants } from 'node:fs';
import { request } from 'node:http';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  readTestbedDescription, startTestbed, writeTestbedDescription, type Testbed, type TestbedDescription, type TestbedOptions,
} from '../../testbed/index.ts';
import { ConsoleError } from './errors.ts';

export interface AttachedTestbed {
  description: TestbedDescription;
  descriptionPath: string;
  /** True when this process started it (and so stops it on quit). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface AttachTestbedOptions {
  /** --testbed / SOTTO_TESTBED: must be alive, never replaced. */
  explicitPath?: string;
  /** Where `npm run testbed` and earlier consoles write theirs (.testbed/testbed.json). */
  defaultPath: string;
  log: (line: string) => void;
  /** Per gateway health request. */
  probeTimeoutMs?: number;
  signal?: AbortSignal;
  /** Injected for tests; the real one by default. */
  start?: (o: TestbedOptions) => Promise<Testbed>;
  /** Where the real start looks for tor and tor-gencert (default: the PATH environment variable). */
  pathEnv?: string;
  /** How long to wait for another console that is starting the testbed (default 180 s). */
  waitForOtherMs?: number;
  /** Pause between looks at another console's start (default 1 s). */
  pollMs?: number;
}

/** The programs a testbed start spawns (src/testbed) that no PATH directory holds as an executable. */
export function missingTestbedPrograms(pathEnv: string | undefined): string[] {
  const dirs = (pathEnv ?? '').split(delimiter).filter((d) => d.length > 0);
  const found = (name: string): boolean => dirs.some((d) => {
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return ['tor', 'tor-gencert'].filter((name) => !found(name));
}

/** True if a process with this pid exists (signal 0 only checks). */
function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * `<description>.lock` holds the pid of the console starting a testbed. Without it, two
 * terminals running `npm run console` at once would each start a network and the two users could never
 * meet. Returns a release function, or null while a live process holds the lock.
 */
async function tryStartLock(path: string): Promise<(() => Promise<void>) | null> {
  await mkdir(dirname(path), { recursive: true });
  try {
    const fh = await open(path, 'wx', 0o600);
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
    return () => rm(path, { force: true }).catch(() => undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) return null;
  // Left by a console that died while starting: take it over on the next try.
  await rm(path, { force: true });
  return tryStartLock(path);
}

/** GET <gateway>/v1/health on loopback; true on a 200 within the timeout. */
export function gatewayAnswers(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => { if (!settled) { settled = true; resolve(ok); } };
    try {
      const req = request(`${url}/v1/health`, { method: 'GET', agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
        res.resume();
        done(res.statusCode === 200);
      });
      req.on('timeout', () => { req.destroy(); done(false); });
      req.on('error', () => done(false));
      req.end();
    } catch {
      done(false);
    }
  });
}

export async function testbedAlive(d: TestbedDescription, timeoutMs: number): Promise<boolean> {
  if (d.gateways.length === 0) return false;
  const answers = await Promise.all(d.gateways.map((g) => gatewayAnswers(g.url, timeoutMs)));
  return answers.every(Boolean);
}

export async function attachTestbed(o: AttachTestbedOptions): Promise<AttachedTestbed> {
  const probeMs = o.probeTimeoutMs ?? 2_000;
  if (o.explicitPath) {
    let d: TestbedDescription;
    try {
      d = await readTestbedDescription(o.explicitPath);
    } catch (err) {
      throw ConsoleError.TESTBED_UNAVAILABLE(`${(err as Error).message}`);
    }
    if (!(await testbedAlive(d, probeMs))) throw ConsoleError.TESTBED_UNAVAILABLE(`the testbed of ${o.explicitPath} does not answer (its gateways are down)`);
    return { description: d, descriptionPath: o.explicitPath, owned: false, stop: async () => {} };
  }

  const lockPath = `${o.defaultPath}.lock`;
  const waitUntil = Date.now() + (o.waitForOtherMs ?? 180_000);
  let existing: TestbedDescription | null = null;
  let release: (() => Promise<void>) | null = null;
  let told = false;
  for (;;) {
    existing = await readTestbedDescription(o.defaultPath).catch(() => null);
    if (existing && (await testbedAlive(existing, probeMs))) {
      o.log(`using the running testbed of ${o.defaultPath}`);
      return { description: existing, descriptionPath: o.defaultPath, owned: false, stop: async () => {} };
    }
    // Before anything is written: a machine without tor gets the command that installs it, and no
    // empty .testbed/ is left behind (issue 9 item 1: `spawn tor-gencert ENOENT` was all it said).
    const missing = o.start ? [] : missingTestbedPrograms(o.pathEnv ?? process.env.PATH);
    if (missing.length > 0) {
      throw ConsoleError.TESTBED_UNAVAILABLE(`Tor is not installed here (${missing.join(' and ')} not found), and Sotto's local network needs it. Install it with \`bash scripts/setup.sh\` (or \`sudo apt-get install -y tor\`), then start Sotto again.`);
    }
    release = await tryStartLock(lockPath);
    if (release) {
      // Someone may have finished starting one between our look and the lock.
      existing = await readTestbedDescription(o.defaultPath).catch(() => null);
      if (existing && (await testbedAlive(existing, probeMs))) {
        await release();
        continue;
      }
      break;
    }
    if (!told) { o.log(`another console is starting the testbed (${lockPath}): waiting for it`); told = true; }
    if (Date.now() > waitUntil || o.signal?.aborted) throw ConsoleError.TESTBED_UNAVAILABLE(`another console held ${lockPath} for too long`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1_000));
  }
  try {
    return await startOwnTestbed(o, existing !== null);
  } finally {
    await release();
  }
}

/**
 * Watches a testbed this console did not start: `onGone` once its gateways stop answering twice in
 * a row (the owning console quit or died). Loopback only, one request per gateway per interval.
 */
export function watchTestbed(d: TestbedDescription, o: {
  intervalMs: number; onGone: () => void; probeTimeoutMs?: number;
  timers?: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (t: unknown) => void };
}): () => void {
  const timers = o.timers ?? { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (t: unknown) => clearTimeout(t as NodeJS.Timeout) };
  let stopped = false;
  let misses = 0;
  let timer: unknown = null;
  const tick = async (): Promise<void> => {
    const alive = await testbedAlive(d, o.probeTimeoutMs ?? Math.min(2_000, o.intervalMs));
    if (stopped) return;
    misses = alive ? 0 : misses + 1;
    if (misses >= 2) { stopped = true; o.onGone(); return; }
    timer = timers.setTimeout(() => { void tick(); }, o.intervalMs);
    (timer as { unref?: () => void }).unref?.();
  };
  timer = timers.setTimeout(() => { void tick(); }, o.intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => { stopped = true; if (timer !== null) timers.clearTimeout(timer); };
}

async function startOwnTestbed(o: AttachTestbedOptions, stale: boolean): Promise<AttachedTestbed> {
  o.log(stale ? `${o.defaultPath} is stale (gateways do not answer): starting a new testbed` : 'no testbed running: starting one (private Tor network + HyperDHT testnet + gateways, ~15-40 s)');
  const dir = await mkdtemp(join(tmpdir(), 'sotto-testbed-'));
  let testbed: Testbed;
  try {
    testbed = await (o.start ?? startTestbed)({ dir, log: (line) => o.log(line), ...(o.signal ? { signal: o.signal } : {}) });
  } catch (err) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw ConsoleError.TESTBED_UNAVAILABLE(`the testbed failed to start: ${(err as Error).message}`);
  }
  await writeTestbedDescription(o.defaultPath, testbed.description);
  o.log(`testbed up in ${testbed.timings.testbed_total_ms ?? '?'} ms; other consoles (npm run console -- --profile <name>) use it while this one runs`);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await testbed.stop();
    // Remove the description only if it is still ours (another console may have replaced it).
    const text = await readFile(o.defaultPath, 'utf8').catch(() => '');
    if (text.includes(JSON.stringify(testbed.description.createdAt))) await rm(o.defaultPath, { force: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  })());
  return { description: testbed.description, descriptionPath: o.defaultPath, owned: true, stop };
}
