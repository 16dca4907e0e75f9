// `npm run testbed`: starts the testbed, prints what it started and timings as `name: value`
// lines, writes the description (default .testbed/testbed.json), prints `ready: <path>` (what
// scripts/testbed-process.mjs waits for), stays up until SIGINT/SIGTERM, then tears down.
// `npm run testbed -- --smoke`: proves an onion round trip with client auth and a refused
// connection without it, prints timings, tears down, exits 0 or 1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTestbedDescription } from './description.ts';
import { runSmoke } from './smoke.ts';
import { startTestbed } from './testbed.ts';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function positiveInt(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        smoke: { type: 'boolean', default: false },
        out: { type: 'string' },
        dir: { type: 'string' },
        gateways: { type: 'string' },
        'dht-size': { type: 'string' },
        keep: { type: 'boolean', default: false },
        tor: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: testbed [--smoke] [--out PATH] [--dir PATH] [--gateways N] [--dht-size N] [--keep] [--tor PATH]\n`);
    return 2;
  }
  const gateways = positiveInt('gateways', args.gateways, 2);
  const dhtSize = positiveInt('dht-size', args['dht-size'], 25, 1);
  const ownDir = args.dir === undefined;
  const dir = resolve(args.dir ?? (await mkdtemp(join(tmpdir(), 'sotto-testbed-'))));
  const removeDir = async (): Promise<void> => {
    if (ownDir && !args.keep) await rm(dir, { recursive: true, force: true }).catch(() => {});
  };

  // SIGINT/SIGTERM during start abort it; afterwards they end the wait below.
  const stopRequested = new AbortController();
  const onSignal = (): void => stopRequested.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (args.smoke) {
    try {
      const result = await runSmoke({ dir, torPath: args.tor, signal: stopRequested.signal, log: out });
      for (const [name, value] of Object.entries(result.timings)) out(`${name}: ${value}`);
      out('smoke: ok');
      return 0;
    } catch (err) {
      process.stderr.write(`smoke: FAILED\n${formatError(err)}\n`);
      out('smoke: failed');
      return 1;
    } finally {
      await removeDir();
    }
  }

  const descriptionPath = resolve(args.out ?? join('.testbed', 'testbed.json'));
  let testbed;
  try {
    testbed = await startTestbed({ dir, gateways, dhtSize, torPath: args.tor, signal: stopRequested.signal, log: out });
  } catch (err) {
    process.stderr.write(`testbed failed to start\n${formatError(err)}\n`);
    await removeDir();
    return 1;
  }
  try {
    await writeTestbedDescription(descriptionPath, testbed.description);
    out(`dir: ${dir}`);
    for (const n of testbed.network.nodes) out(`tor_${n.nickname}: pid ${n.pid} orport ${n.orPort}${n.dirPort ? ` dirport ${n.dirPort}` : ''}`);
    out(`dht_bootstrap: ${testbed.description.dht.bootstrap.join(' ')}`);
    for (const g of testbed.description.gateways) out(`gateway_${g.name}: ${g.url} ${g.onion}`);
    out(`tor_network_rss_mb: ${((await testbed.network.rssBytes()) / 2 ** 20).toFixed(1)}`);
    for (const [name, value] of Object.entries(testbed.timings)) out(`${name}: ${value}`);
    out(`ready: ${descriptionPath}`);
    if (!stopRequested.signal.aborted) {
      await new Promise<void>((r) => stopRequested.signal.addEventListener('abort', () => r(), { once: true }));
    }
    out('stopping');
    return 0;
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    return 1;
  } finally {
    await testbed.stop();
    await removeDir();
  }
}

function formatError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause === undefined ? '' : `\ncaused by: ${formatError(err.cause)}`;
  return `${code === undefined ? '' : `[${String(code)}] `}${err.stack ?? err.message}${cause}`;
}

// Everything was torn down in main(); exit even if a library left a handle open.
process.exit(await main());
