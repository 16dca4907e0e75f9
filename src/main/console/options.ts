// Command-line options and environment of the console host. Bad options are a coded
// ConsoleError (BAD_OPTION), printed with the usage; nothing is started.
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkGatewayList, torChoiceSchema } from '../../ipc/index.ts';
import type { NetworkUpdate } from '../core/network-settings.ts';
import { ConsoleError } from './errors.ts';

export const CONSOLE_USAGE = 'usage: npm run console -- [--profile NAME] [--name DISPLAY_NAME] [--home DIR] [--passphrase-file PATH] [--testbed PATH]\n'
  + '                          [--network testbed|public] [--tor bundled|system|PATH] [--gateway URL]... [--debug]\n'
  + '  --profile NAME         profile folder <home>/profiles/NAME (default: default)\n'
  + '  --name DISPLAY_NAME    display name when the profile is created (else asked)\n'
  + '  --home DIR             where profiles live (env SOTTO_HOME, default .sotto)\n'
  + '  --passphrase-file PATH passphrase = first line of the file (or env SOTTO_PASSPHRASE; else asked)\n'
  + '  --testbed PATH         use this running testbed description (env SOTTO_TESTBED); default:\n'
  + '                         .testbed/testbed.json if its gateways answer, else start a testbed here\n'
  + '  --network testbed|public  testbed (default): the local test network (its tor lines; its gateways\n'
  + '                         while the profile has none); public: only the profile\'s network settings\n'
  + '  --tor bundled|system|PATH  which tor to run; stored in the profile (default bundled)\n'
  + '  --gateway URL          a registry gateway, http://<56 characters>.onion[:port]; repeat for more;\n'
  + '                         replaces the profile\'s stored list\n'
  + '  --debug                show background warnings with their codes and developer texts (also in\n'
  + '                         <profile>/debug.log; without it the log keeps only times and codes)';

export interface ConsoleOptions {
  profileName: string;
  profileDir: string;
  displayName: string | null;
  passphraseFile: string | null;
  /** From SOTTO_PASSPHRASE. */
  passphrase: string | null;
  testbedPath: string | null;
  /** .testbed/testbed.json under the working directory. */
  defaultTestbedPath: string;
  help: boolean;
  debug: boolean;
  network: 'testbed' | 'public';
  /** --tor / --gateway: stored in the profile's network settings at unlock. */
  networkChange: NetworkUpdate | null;
}

/** Profile names become folder names: no separators, no dot-only names. */
const PROFILE_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;

export function parseConsoleOptions(argv: string[], env: Record<string, string | undefined>, cwd: string): ConsoleOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        profile: { type: 'string' },
        name: { type: 'string' },
        home: { type: 'string' },
        'passphrase-file': { type: 'string' },
        testbed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        debug: { type: 'boolean', default: false },
        network: { type: 'string' },
        tor: { type: 'string' },
        gateway: { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw ConsoleError.BAD_OPTION((err as Error).message);
  }
  const profileName = values.profile ?? 'default';
  if (!PROFILE_NAME.test(profileName)) throw ConsoleError.BAD_OPTION(`--profile must be 1-64 letters, digits, dots, dashes or underscores, got ${JSON.stringify(profileName)}`);
  const home = resolve(cwd, values.home ?? env.SOTTO_HOME ?? '.sotto');
  const displayName = values.name?.trim() ?? null;
  if (displayName !== null && (displayName.length === 0 || displayName.length > 64)) throw ConsoleError.BAD_OPTION('--name must be 1-64 characters');
  const testbed = values.testbed ?? env.SOTTO_TESTBED ?? null;
  const network = values.network ?? 'testbed';
  if (network !== 'testbed' && network !== 'public') throw ConsoleError.BAD_OPTION(`--network must be testbed or public, got ${JSON.stringify(network)}`);
  if (network === 'public' && values.testbed) throw ConsoleError.BAD_OPTION('--testbed and --network public exclude each other');
  return {
    profileName,
    profileDir: join(home, 'profiles', profileName),
    displayName,
    passphraseFile: values['passphrase-file'] ? resolve(cwd, values['passphrase-file']) : null,
    passphrase: env.SOTTO_PASSPHRASE && env.SOTTO_PASSPHRASE.length > 0 ? env.SOTTO_PASSPHRASE : null,
    testbedPath: testbed ? resolve(cwd, testbed) : null,
    defaultTestbedPath: resolve(cwd, '.testbed', 'testbed.json'),
    help: values.help,
    debug: values.debug,
    network,
    networkChange: networkChangeOf(values.tor, values.gateway, cwd),
  };
}

/** The profile's network settings the flags ask for; a bad gateway is BAD_OPTION with the reason. */
function networkChangeOf(tor: string | undefined, gateways: string[] | undefined, cwd: string): NetworkUpdate | null {
  const change: NetworkUpdate = {};
  if (tor !== undefined) {
    const kind = tor === 'bundled' || tor === 'system' ? { kind: tor } : { kind: 'path', path: resolve(cwd, tor) };
    const parsed = torChoiceSchema.safeParse(kind);
    if (!parsed.success || tor.trim() === '') throw ConsoleError.BAD_OPTION('--tor must be bundled, system or the path of a tor program');
    change.tor = parsed.data;
  }
  if (gateways !== undefined) {
    const checked = checkGatewayList(gateways);
    if (!checked.ok) throw ConsoleError.BAD_OPTION(`--gateway ${JSON.stringify(gateways[checked.index] ?? '')}: ${checked.reason} [${checked.code}]`);
    change.gateways = checked.urls;
  }
  return change.tor || change.gateways ? change : null;
}
