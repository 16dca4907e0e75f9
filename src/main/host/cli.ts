// `npm run host`: Sotto in a browser, on the local testbed (docs/ARCHITECTURE.md "Browser host").
// Prints `url: http://127.0.0.1:<port>/#t=<token>` once serving; stops on SIGTERM/SIGINT with exit 0.
// Exit 2 on bad options.
import { HostError } from './errors.ts';
import { HOST_USAGE, parseHostOptions } from './options.ts';
import { runHost } from './run-host.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseHostOptions(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    process.stderr.write(`error [${err instanceof HostError ? err.code : 'INTERNAL'}] ${(err as Error).message}\n${HOST_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${HOST_USAGE}\n`);
    return 0;
  }
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  process.on('SIGINT', () => stop.abort());
  return runHost({
    options, env: process.env, signal: stop.signal,
    out: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`[host] ${line}\n`),
  });
}

// Everything was shut down in runHost; exit even if a library left a handle open.
process.exit(await main());
