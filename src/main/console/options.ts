// Command-line options and environment of the console host. Bad options are a coded
// ConsoleError (BAD_OPTION), printed with the usage; nothing is started.
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConsoleError } from './errors.ts';

export const CONSOLE_USAGE = 'usage: npm run console -- [--profile NAME] [--name DISPLAY_NAME] [--home DIR] [--passphrase-file PATH] [--testbed PATH] [--debug]\n'
  + '  --profile NAME         profile folder <home>/profiles/NAME (default: default)\n'
  + '  --name DISPLAY_NAME    display name when the profile is created (else asked)\n'
  + '  --home DIR             where profiles live (env SOTTO_HOME, default .sotto)\n'
  + '  --passphrase-file PATH passphrase = first line of the file (or env SOTTO_PASSPHRASE; else asked)\n'
  + '  --testbed PATH         use this running testbed description (env SOTTO_TESTBED); default:\n'
  + '                         .testbed/testbed.json if its gateways answer, else start a testbed here\n'
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
  };
}
