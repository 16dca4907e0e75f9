// Starts the shared testbed (src/testbed/cli.ts) as a child process for scripts/run-tests.mjs:
// waits for its `ready: <path>` line, hands back the description path, and tears it down.
// Plain JS so the runner needs no TypeScript loader itself.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

const STDERR_KEEP = 64 * 1024;

/**
 * @param {{ root: string, dir: string, timeoutMs?: number, killAfterMs?: number, echo?: (line: string) => void }} opts
 * @returns {Promise<{ descriptionPath: string, pid: number | undefined, stop(): Promise<void> }>}
 */
export async function startTestbedProcess({ root, dir, timeoutMs = 120_000, killAfterMs = 8_000, echo }) {
  const descriptionPath = join(dir, 'testbed.json');
  const print = echo ?? ((line) => process.stderr.write(`[testbed] ${line}\n`));
  const workDir = join(dir, 'work');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/testbed/cli.ts', '--out', descriptionPath, '--dir', workDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  let stdoutBuffer = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`testbed not ready after ${timeoutMs} ms\n--- testbed stderr ---\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdoutBuffer += chunk.toString('utf8');
      let nl;
      while ((nl = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, nl);
        stdoutBuffer = stdoutBuffer.slice(nl + 1);
        print(line);
        const m = /^ready: (.+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start the testbed: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`testbed exited before ready (code ${code}, signal ${signal})\n--- testbed stderr ---\n${stderr}`));
    });
  });

  let stopping;
  const stop = () => (stopping ??= (async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // Teardown takes well under a second (tor runs with ShutdownWaitLength 0); SIGKILL is the
      // fallback, and then the tors exit on their own through __OwningControllerProcess.
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(timer);
    }
    // Tor data directories and keys of this run; the description file stays for post-mortems.
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  })());

  try {
    const path = await ready;
    if (path !== descriptionPath) throw new Error(`testbed wrote ${path}, expected ${descriptionPath}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { descriptionPath, pid: child.pid, stop };
}
