// The console host: attaches to (or starts) the local testbed, opens or creates a profile, then
// reads commands line by line and prints the core's events as they arrive. Quit (or end of input,
// Ctrl-C, SIGTERM) goes offline, stops tor, and stops the testbed if this process started it.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { passphraseStrength } from '../store/index.ts';
import { SottoCore, toErrorInfo, type CoreEvent, type CoreServicesFactory, type CoreTimings, type SottoCoreOptions } from '../index.ts';
import type { TestbedDescription } from '../../testbed/index.ts';
import { parseCommand } from './commands.ts';
import { ConsoleError } from './errors.ts';
import { formatEvent, formatProfile } from './format.ts';
import type { ConsoleOptions } from './options.ts';
import { ConsoleSession } from './session.ts';
import { Terminal } from './terminal.ts';
import { attachTestbed, watchTestbed, type AttachedTestbed, type AttachTestbedOptions } from './testbed-host.ts';
import { DebugLog } from './debug-log.ts';
import { TESTBED_CORE_TIMINGS, testbedNetworkServices } from './testbed-timings.ts';
import { NetworkSettings } from '../core/network-settings.ts';
import { networkServices } from '../core/network-services.ts';

export interface RunConsoleOptions {
  options: ConsoleOptions;
  input: Readable;
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  interactive?: boolean;
  /** Aborting it quits like the quit command (the CLI wires SIGTERM/SIGINT here). */
  signal?: AbortSignal;
  /** Injected for tests; default: attachTestbed (find a running one or start one here). */
  attach?: (o: AttachTestbedOptions) => Promise<AttachedTestbed>;
  /** Injected for tests; default: the real services with the testbed schedule and the profile's network settings. */
  services?: (tb: TestbedDescription) => CoreServicesFactory;
  timings?: Partial<CoreTimings>;
  /** Argon2id cost of new profiles (tests pass a small one). */
  kdf?: SottoCoreOptions['kdf'];
  /** Wrong passphrases in a row before giving up. */
  maxPassphraseAttempts?: number;
  /** How often a testbed another console started is checked (default 2 s). */
  testbedWatchMs?: number;
}

/** The message for the person, the code as small print (and in the debug log). */
const errorLine = (err: unknown): string => {
  const e = toErrorInfo(err);
  return `error: ${e.message} [${e.code}]`;
};

async function passphraseFromFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw ConsoleError.FILE_UNREADABLE(path, err);
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Runs until quit; resolves the process exit code (0 after a clean quit). */
export async function runConsole(o: RunConsoleOptions): Promise<number> {
  const opts = o.options;
  const term = new Terminal({ input: o.input, output: o.output, ...(o.interactive === undefined ? {} : { interactive: o.interactive }) });
  const print = (line: string): void => term.print(line);
  const stop = new AbortController();
  const quit = (): void => { if (!stop.signal.aborted) { stop.abort(); term.close(); } };
  term.onInterrupt(quit);
  if (o.signal?.aborted) quit();
  o.signal?.addEventListener('abort', quit, { once: true });

  let testbed: AttachedTestbed | null = null;
  let core: SottoCore | null = null;
  let stopWatch: (() => void) | null = null;
  let session: ConsoleSession | null = null;
  let code = 0;
  // The profile's network settings (docs/ARCHITECTURE.md "Network settings"); --tor and --gateway
  // are stored in them when the profile opens, before tor and the registry start.
  const network = new NetworkSettings({ port: () => core!.settingsStore() });
  const withFlags = (inner: CoreServicesFactory): CoreServicesFactory => async (ctx) => {
    if (opts.networkChange) await network.update(opts.networkChange);
    return inner(ctx);
  };
  try {
    if (opts.network === 'testbed') {
      testbed = await (o.attach ?? attachTestbed)({
        ...(opts.testbedPath ? { explicitPath: opts.testbedPath } : {}),
        defaultPath: opts.defaultTestbedPath,
        log: (line) => print(`[testbed] ${line}`),
        signal: stop.signal,
      });
      if (stop.signal.aborted) return 0;
      print(`testbed: ${testbed.descriptionPath}${testbed.owned ? ' (started by this console: quitting it stops the testbed)' : ''}`);
      // Another console owns the testbed: when it quits, say so at once instead of letting every
      // lookup run into gateway timeouts.
      stopWatch = testbed.owned ? null : watchTestbed(testbed.description, {
        intervalMs: o.testbedWatchMs ?? 2_000,
        onGone: () => print('! the local test network has stopped (the console that started it quit): '
          + 'contacts cannot reach you now. Type quit, then start again with npm run console'),
      });
    } else {
      print('network: public (the profile\'s tor and gateways, no test network)');
    }
    const debugLog = new DebugLog({ profileDir: opts.profileDir, full: opts.debug });
    const tb = testbed?.description ?? null;
    core = new SottoCore({
      profileDir: opts.profileDir,
      services: withFlags(tb
        ? (o.services ?? ((d: TestbedDescription) => testbedNetworkServices(d, network, { standIn: true })))(tb)
        : networkServices({ network })),
      ...(tb ? { timings: { ...TESTBED_CORE_TIMINGS, ...o.timings } } : o.timings ? { timings: o.timings } : {}),
      network,
      ...(o.kdf ? { kdf: o.kdf } : {}),
    });
    const phases = new Map<string, { nickname: string; phase: string }>();
    const nameOf = (id: string): string => phases.get(id)?.nickname ?? id.slice(0, 8);
    const excerpts = new Map<string, string>();
    let lastTor = -1;
    core.onEvent((e: CoreEvent) => {
      if (e.type === 'tor-bootstrap') {
        // tor reports ~18 steps (some several times): a line per quarter keeps the start readable.
        if (e.progress !== 100 && lastTor >= 0 && Math.floor(e.progress / 25) === Math.floor(lastTor / 25)) return;
        if (e.progress === lastTor) return;
        lastTor = e.progress;
      }
      const previous = e.type === 'contact' ? phases.get(e.contact.id)?.phase : undefined;
      if (e.type === 'contact') phases.set(e.contact.id, { nickname: e.contact.nickname, phase: e.contact.phase });
      if (e.type === 'warning') debugLog.write(e.code, e.message, e.contactId);
      const line = formatEvent(e, { nameOf, previousPhase: previous, excerptOf: (id) => excerpts.get(id) ?? null, debug: opts.debug });
      if (e.type === 'message-status' && (e.status === 'acked' || e.status === 'read')) excerpts.delete(e.messageId);
      if (e.type === 'contact-removed') phases.delete(e.contactId);
      if (line !== null) print(line);
      if (e.type === 'invitation' && e.invitation.state !== 'pending' && e.invitation.state !== 'awaiting-confirmation') {
        void session?.sweepInvitationFiles().catch((err: unknown) => debugLog.write(toErrorInfo(err).code, toErrorInfo(err).message));
      }
    });

    const opened = await openProfile(core, opts, term, print, o.maxPassphraseAttempts ?? 5);
    if (!opened) {
      code = stop.signal.aborted ? 0 : 1;
      return code;
    }
    for (const c of await core.listContacts()) phases.set(c.id, { nickname: c.nickname, phase: c.phase });
    for (const l of formatProfile(core.profile())) print(l);
    print(`profile: ${opts.profileDir}`);
    await network.load();
    print(networkLine(network));
    print(`ready: ${core.profile().displayName} (type help)`);

    session = new ConsoleSession({
      core, profileDir: opts.profileDir, print,
      // Bounded: a message never delivered (contact gone for good) must not grow the map forever.
      onSent: (id, body) => { if (excerpts.size < 1000) excerpts.set(id, body.length > 40 ? `${body.slice(0, 39)}…` : body); },
    });
    await session.sweepInvitationFiles();
    for (;;) {
      const line = await term.read('sotto> ');
      if (line === null || stop.signal.aborted) break;
      try {
        if ((await session.run(parseCommand(line))) === 'quit') break;
      } catch (err) {
        print(errorLine(err));
        debugLog.write(toErrorInfo(err).code, toErrorInfo(err).message);
      }
    }
    return code;
  } catch (err) {
    // Interrupted while the testbed or tor was starting: the user asked to stop, not a failure.
    if (stop.signal.aborted) return 0;
    print(errorLine(err));
    code = 1;
    return code;
  } finally {
    stopWatch?.();
    if (core && (core.status().phase === 'running' || core.status().phase === 'starting')) print('going offline, stopping tor');
    await core?.close().catch((err: unknown) => print(errorLine(err)));
    if (testbed?.owned) print('stopping the testbed');
    await testbed?.stop().catch((err: unknown) => print(errorLine(err)));
    print('bye');
    term.close();
  }
}

/** Creates the profile (name + passphrase) or unlocks it; false when input ended or it failed. */
async function openProfile(core: SottoCore, opts: ConsoleOptions, term: Terminal, print: (l: string) => void, maxAttempts: number): Promise<boolean> {
  let given: string | null = opts.passphraseFile ? await passphraseFromFile(opts.passphraseFile) : opts.passphrase;
  const ask = async (prompt: string): Promise<string> => {
    const line = await term.read(prompt, { hidden: true });
    if (line === null) throw ConsoleError.INPUT_CLOSED();
    return line;
  };
  try {
    if (core.status().phase === 'no-profile') {
      print(`creating profile "${opts.profileName}" in ${opts.profileDir}`);
      let name = opts.displayName;
      while (name === null) {
        const line = await term.read(`display name [${opts.profileName}]: `);
        if (line === null) throw ConsoleError.INPUT_CLOSED();
        const trimmed = line.trim();
        name = trimmed.length === 0 ? opts.profileName : trimmed.length <= 64 ? trimmed : null;
        if (name === null) print(errorLine(ConsoleError.BAD_ARGUMENTS('a display name of at most 64 characters')));
      }
      for (;;) {
        const fromOutside = given !== null;
        let passphrase = given;
        given = null;
        while (passphrase === null) {
          const first = await ask('new passphrase: ');
          if (first.length === 0) { print(errorLine(ConsoleError.NO_PASSPHRASE())); continue; }
          // Only a person typing blind needs to type it twice.
          if (term.interactive && (await ask('again: ')) !== first) { print(errorLine(ConsoleError.BAD_ARGUMENTS('the passphrases differ'))); continue; }
          passphrase = first;
        }
        const strength = await passphraseStrength(passphrase, [name]);
        print(`passphrase strength: ${strength.label}${strength.hint ? ` (${strength.hint})` : ''}`);
        try {
          print('creating the profile and starting tor...');
          await core.createProfile({ displayName: name, passphrase });
          return true;
        } catch (err) {
          // A weak passphrase typed here may be retyped; one from --passphrase-file or the
          // environment cannot change, so that ends the start.
          if (toErrorInfo(err).code !== 'WEAK_PASSPHRASE' || fromOutside) throw err;
          print(errorLine(err));
        }
      }
    }
    for (let attempt = 1; ; attempt++) {
      const passphrase = given ?? await ask(`passphrase for ${opts.profileName}: `);
      given = null;
      try {
        print('unlocking...');
        await core.unlock({ passphrase });
        return true;
      } catch (err) {
        print(errorLine(err));
        // The store slows repeated failures (its error says how long to wait); ask again.
        const code = toErrorInfo(err).code;
        if ((code !== 'WRONG_PASSPHRASE' && code !== 'UNLOCK_DELAYED') || attempt >= maxAttempts) return false;
      }
    }
  } catch (err) {
    if (!(err instanceof ConsoleError && err.code === 'INPUT_CLOSED')) print(errorLine(err));
    return false;
  }
}

/** One line about the network the profile uses now. */
function networkLine(network: NetworkSettings): string {
  const v = network.view();
  const tor = v.tor.kind === 'path' ? `tor ${v.tor.path}` : `${v.tor.kind} tor`;
  const from = v.standIn ? ' (the test network\'s, until you set your own with --gateway)' : v.gatewaysFrom ? ` (from ${v.gatewaysFrom}'s invitation)` : '';
  const list = v.gateways.length === 0 ? 'no gateway: contacts cannot find you (--gateway URL)' : `${v.gateways.length} gateway(s)${from}: ${v.gateways.map((g) => g.url).join(', ')}`;
  return `network: ${tor}; ${list}`;
}
