// One browser host (`npm run host`, docs/ARCHITECTURE.md "Browser host") per profile, as a child
// process started without a shell. The test reads its `url:` line, and stops it with SIGTERM and
// waits for the exit; every child still running when the test process ends is killed, so a failed
// or interrupted run leaves no stray host (or tor) behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WAIT } from './eventually.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The host's entry point, run through tsx like `npm run host` does. */
export const HOST_ENTRY = 'src/main/host/cli.ts';

const STDERR_KEEP = 32 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously: SIGKILL is all that can be sent from here.
  process.once('exit', () => { for (const c of live) c.kill('SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGTERM');
      process.exit(130);
    });
  }
}

export interface HostProcess {
  /** The full URL the host printed, token fragment included. */
  readonly url: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  /** 64 hex characters from the URL fragment. */
  readonly token: string;
  readonly profileDir: string;
  /** What the host wrote on stderr (the last 32 KiB), for failure messages. */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); returns the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartHostOptions {
  profileDir: string;
  /** Testbed description path (SOTTO_TESTBED); null for a host without one (`args`: `--network public`). */
  testbed: string | null;
  /** Name used in failure messages. */
  name: string;
  timeoutMs?: number;
  /** More host options (e.g. `--no-testbed-gateways`). */
  args?: string[];
  /** Environment entries over this process's (e.g. a PATH whose `tor` cannot leave loopback). */
  env?: Record<string, string>;
}

export class HostStartError extends Error {
  readonly code = 'E2E_HOST_START';
}

const URL_LINE = /^url: (http:\/\/127\.0\.0\.1:(\d+)\/#t=([0-9a-f]{64}))\s*$/;

export function startHost(o: StartHostOptions): Promise<HostProcess> {
  installExitHook();
  const child = spawn(process.execPath, [
    '--import', 'tsx', HOST_ENTRY, '--profile', o.profileDir, ...(o.testbed === null ? [] : ['--testbed', o.testbed]), '--port', '0', '--no-open', ...(o.args ?? []),
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], shell: false, env: { ...process.env, ...o.env } });
  live.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP); });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => { live.delete(child); resolve(code); });
  });

  const stop = async (graceMs = 20_000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try { return await exited; } finally { clearTimeout(timer); }
    }
    return exited;
  };

  return new Promise<HostProcess>((resolve, reject) => {
    const timeoutMs = o.timeoutMs ?? WAIT.startup;
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(2_000);
      reject(new HostStartError(`host ${o.name}: ${why}\n--- host stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no url line within ${timeoutMs} ms`), timeoutMs);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = URL_LINE.exec(line);
        if (!m || settled) continue;
        settled = true;
        clearTimeout(timer);
        const port = Number(m[2]);
        resolve({
          url: m[1]!, origin: `http://127.0.0.1:${port}`, port, token: m[3]!, profileDir: o.profileDir,
          stderr: () => stderr, stop,
        });
      }
    });
    child.once('error', (err) => fail(`cannot start: ${err.message}`));
    void exited.then((code) => fail(`exited with ${code} before printing its url`));
  });
}
