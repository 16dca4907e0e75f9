// Command line of the browser host (`npm run host -- ...`, docs/ARCHITECTURE.md "Browser host").
// Bad options are a coded HostError (BAD_OPTION) printed with the usage; nothing is started.
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { HostError } from './errors.ts';

export const HOST_USAGE = 'usage: npm run host -- [--profile DIR] [--testbed PATH] [--network testbed|public] [--no-testbed-gateways]\n'
  + '                       [--port N] [--no-open] [--static DIR]\n'
  + '  --profile DIR    the profile folder (default <home>/profiles/default, home = env SOTTO_HOME or .sotto)\n'
  + '  --testbed PATH   use this running testbed description (env SOTTO_TESTBED); default:\n'
  + '                   .testbed/testbed.json if its gateways answer, else start a testbed here\n'
  + '  --network public the profile\'s own network settings only (Settings > Network): its tor and gateways,\n'
  + '                   no test network (default: testbed; a profile that chose the Tor network runs\n'
  + '                   on the public network whatever this says)\n'
  + '  --no-testbed-gateways  on the testbed, use only the gateways set in the profile (its tor lines still)\n'
  + '  --port N         listen on 127.0.0.1:N (default 0: a free port)\n'
  + '  --no-open        do not open a Chromium app window (it opens only when a display exists)\n'
  + '  --static DIR     the renderer build to serve (default dist/renderer)';

export interface HostOptions {
  profileDir: string;
  testbedPath: string | null;
  defaultTestbedPath: string;
  port: number;
  open: boolean;
  staticDir: string;
  help: boolean;
  network: 'testbed' | 'public';
  /** The testbed's gateways stand in while the profile has none (off: --no-testbed-gateways). */
  testbedGateways: boolean;
}

/** dist/renderer of this checkout, wherever the host is started from. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

export function parseHostOptions(argv: string[], env: Record<string, string | undefined>, cwd: string): HostOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        testbed: { type: 'string' },
        port: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        static: { type: 'string' },
        network: { type: 'string' },
        'no-testbed-gateways': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw HostError.BAD_OPTION((err as Error).message);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw HostError.BAD_OPTION(`--port must be 0..65535, got ${JSON.stringify(values.port)}`);
  const home = resolve(cwd, env.SOTTO_HOME ?? '.sotto');
  const testbed = values.testbed ?? env.SOTTO_TESTBED ?? null;
  const network = values.network ?? 'testbed';
  if (network !== 'testbed' && network !== 'public') throw HostError.BAD_OPTION(`--network must be testbed or public, got ${JSON.stringify(network)}`);
  if (network === 'public' && values.testbed) throw HostError.BAD_OPTION('--testbed and --network public exclude each other');
  return {
    profileDir: values.profile ? resolve(cwd, values.profile) : join(home, 'profiles', 'default'),
    testbedPath: testbed ? resolve(cwd, testbed) : null,
    defaultTestbedPath: resolve(cwd, '.testbed', 'testbed.json'),
    port,
    open: !values['no-open'],
    staticDir: values.static ? resolve(cwd, values.static) : DEFAULT_STATIC_DIR,
    help: values.help,
    network,
    testbedGateways: !values['no-testbed-gateways'],
  };
}
