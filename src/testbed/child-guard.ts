// Last line of defence against stray tor processes: every child the testbed spawns is recorded
// here and killed (SIGKILL, synchronously) when the host process exits for any reason — normal
// exit, uncaught exception, SIGINT or SIGTERM. Tor's __OwningControllerProcess covers the one
// case left (the host itself SIGKILLed), within its 15 s polling interval.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  // Keep Node's default behaviour (terminate) unless the host installed its own handler, which
  // then owns the graceful shutdown of everything else (cli.ts does).
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // 'exit' is skipped when a host's own uncaughtException handler rethrows (measured); the
  // monitor runs before any handler and changes nothing else. Unhandled rejections arrive here
  // too (Node >= 15).
  process.on('uncaughtExceptionMonitor', killAllNow);
}

export function guardChild(child: ChildProcess): void {
  // A spawn that failed (ENOENT) has no pid and never emits 'exit': nothing to guard.
  if (child.pid === undefined) return;
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export function liveChildCount(): number {
  return live.size;
}
