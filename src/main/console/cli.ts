// `npm run console`: Sotto in a terminal on the local testbed (docs/ARCHITECTURE.md "Console host").
// Exit codes: 0 after quit, 1 when the profile or the testbed could not be opened, 2 bad options.
import { ConsoleError } from './errors.ts';
import { CONSOLE_USAGE, parseConsoleOptions } from './options.ts';
import { runConsole } from './console.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseConsoleOptions(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    const code = err instanceof ConsoleError ? err.code : 'INTERNAL';
    process.stderr.write(`error [${code}] ${(err as Error).message}\n${CONSOLE_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${CONSOLE_USAGE}\n`);
    return 0;
  }
  // SIGTERM (and SIGINT when stdin is not a terminal) quit cleanly: offline, tor stopped.
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return runConsole({ options, input: process.stdin, output: process.stdout, signal: stop.signal });
}

// Everything was shut down in runConsole; exit even if a library left a handle open.
process.exit(await main());
