// A profile's tor: writes its torrc into the profile's DataDirectory (kept between runs, so warm
// starts reuse the consensus and guards), spawns tor without a shell, connects and authenticates
// the control port, follows bootstrap, and restarts tor with backoff when it dies unexpectedly.
// Whatever happens, the child is reaped: stop() waits for its exit, escalating to SIGKILL.
import { EventEmitter } from 'node:events';
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TorControl } from './control.ts';
import { TorError } from './errors.ts';
import { parseBootstrap, type BootstrapStatus } from './bootstrap.ts';
import { buildTorrc, parseControlPortFile, parseSocksListeners } from './torrc.ts';

export interface TorProcessOptions {
  torPath: string;
  /** The profile's DataDirectory; created 0700 if missing, kept between runs. */
  dataDir: string;
  controlPort?: number | 'auto';
  socksPort?: number | 'auto';
  /** Extra torrc lines, appended after ours (testbed: TestingTorNetwork, DirAuthority, ...). */
  extraTorrc?: string[];
  /** Start with DisableNetwork 1; call enableNetwork() later (testbed: once the consensus is ready). */
  startWithNetworkDisabled?: boolean;
  /** The pid tor watches (`__OwningControllerProcess`); defaults to ours. */
  owningPid?: number;
  /** Delays before restart attempts after a crash; the last one repeats. */
  restartBackoffsMs?: number[];
  /** Give up (emit 'failed') after this many restarts in a row that did not come up. */
  maxRestartAttempts?: number;
  /** From spawn to an authenticated control connection; tor needs ~0.1 s, a cold CPU more. */
  startTimeoutMs?: number;
  /** From SIGNAL SHUTDOWN to SIGKILL. */
  stopTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** How many tor log lines to keep for error messages. */
  logLines?: number;
  spawn?: typeof nodeSpawn;
}

export interface CrashInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  lastLogLines: string[];
}

type TorProcessEvents = {
  bootstrap: [BootstrapStatus];
  log: [string];
  /** tor exited without stop(); a restart follows. Onions and registry entries are gone. */
  crashed: [CrashInfo];
  /** tor is back with a new control connection: re-create onions, re-publish entries. */
  restarted: [TorControl];
  /** Restarts exhausted; tor stays down. */
  failed: [TorError];
};

type State = 'idle' | 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

const DEFAULT_BACKOFFS = [500, 1000, 2000, 5000, 10_000, 30_000];

export class TorProcess extends EventEmitter<TorProcessEvents> {
  private readonly opts: Required<Omit<TorProcessOptions, 'spawn'>> & { spawn: typeof nodeSpawn };
  private readonly paths: { torrc: string; defaults: string; controlPortFile: string; cookieFile: string };
  private state: State = 'idle';
  private child: ChildProcess | null = null;
  private childExit: Promise<void> = Promise.resolve();
  private controlConn: TorControl | null = null;
  private socks: number | null = null;
  private status: BootstrapStatus = { progress: 0, tag: 'starting', summary: 'Starting' };
  private networkEnabled: boolean;
  private readonly log: string[] = [];
  private stopPromise: Promise<void> | null = null;
  private readonly stopController = new AbortController();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(opts: TorProcessOptions) {
    super();
    const dataDir = resolve(opts.dataDir);
    this.opts = {
      torPath: opts.torPath,
      dataDir,
      controlPort: opts.controlPort ?? 'auto',
      socksPort: opts.socksPort ?? 'auto',
      extraTorrc: opts.extraTorrc ?? [],
      startWithNetworkDisabled: opts.startWithNetworkDisabled ?? false,
      owningPid: opts.owningPid ?? process.pid,
      restartBackoffsMs: opts.restartBackoffsMs && opts.restartBackoffsMs.length > 0 ? opts.restartBackoffsMs : DEFAULT_BACKOFFS,
      maxRestartAttempts: opts.maxRestartAttempts ?? 10,
      startTimeoutMs: opts.startTimeoutMs ?? 30_000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 5_000,
      commandTimeoutMs: opts.commandTimeoutMs ?? 30_000,
      logLines: opts.logLines ?? 30,
      spawn: opts.spawn ?? nodeSpawn,
    };
    this.networkEnabled = !this.opts.startWithNetworkDisabled;
    this.paths = {
      torrc: join(dataDir, 'torrc'),
      defaults: join(dataDir, 'torrc-defaults'),
      controlPortFile: join(dataDir, 'control.port'),
      cookieFile: join(dataDir, 'control_auth_cookie'),
    };
  }

  /** The authenticated control connection of the current tor (changes after a restart). */
  get control(): TorControl {
    if (!this.controlConn || this.state !== 'running') throw new TorError('TOR_STOPPED', `tor is ${this.state}`);
    return this.controlConn;
  }

  /** SOCKS port of the current tor; null while the network is disabled (tor opens no listener). */
  get socksPort(): number | null {
    return this.socks;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get bootstrap(): BootstrapStatus {
    return { ...this.status };
  }

  get running(): boolean {
    return this.state === 'running';
  }

  recentLog(): string[] {
    return [...this.log];
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.state !== 'idle') throw TorError.BAD_INPUT(`start() called while tor is ${this.state}`);
    this.state = 'starting';
    process.on('exit', this.killOnExit);
    try {
      await this.launch(signal);
      this.state = 'running';
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** SETCONF DisableNetwork=0 and learn the SOCKS port tor then opens. */
  async enableNetwork(signal?: AbortSignal): Promise<void> {
    this.networkEnabled = true;
    const control = this.control;
    await control.setConf({ DisableNetwork: '0' }, { signal });
    await this.readSocksPort(control, signal);
  }

  /** Resolves once tor reports 100 % (also across restarts); rejects on abort or stop. */
  waitBootstrapped(signal?: AbortSignal): Promise<void> {
    if (this.status.progress === 100 && this.state === 'running') return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      const cleanup = () => {
        this.off('bootstrap', onStatus);
        this.off('failed', onFailed);
        signal?.removeEventListener('abort', onAbort);
        this.stopController.signal.removeEventListener('abort', onStop);
      };
      const onStatus = (s: BootstrapStatus) => {
        if (s.progress === 100) {
          cleanup();
          resolvePromise();
        }
      };
      const onFailed = (err: TorError) => {
        cleanup();
        reject(err);
      };
      const onAbort = () => {
        cleanup();
        reject(TorError.ABORTED('waitBootstrapped'));
      };
      const onStop = () => {
        cleanup();
        reject(TorError.TOR_STOPPED());
      };
      if (signal?.aborted) return onAbort();
      if (this.stopController.signal.aborted) return onStop();
      this.on('bootstrap', onStatus);
      this.on('failed', onFailed);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.stopController.signal.addEventListener('abort', onStop, { once: true });
    });
  }

  /** Asks tor to exit, kills it if it does not within stopTimeoutMs, and always reaps it. */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    this.state = 'stopping';
    this.stopController.abort();
    const child = this.child;
    const control = this.controlConn;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = this.childExit;
      if (control && !control.closed) {
        // SHUTDOWN (not HALT): a client exits at once; 250 may or may not arrive before the close.
        await control.signal('SHUTDOWN', { timeoutMs: 1000 }).catch(() => {});
      } else {
        child.kill('SIGTERM');
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(true), this.opts.stopTimeoutMs); }),
      ]);
      clearTimeout(timer);
      if (timedOut) child.kill('SIGKILL');
      await exited;
    }
    control?.close();
    this.controlConn = null;
    process.off('exit', this.killOnExit);
    this.state = 'stopped';
  }

  private async launch(signal?: AbortSignal): Promise<void> {
    const { dataDir } = this.opts;
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700); // tor refuses a DataDirectory others can read
    await writeFile(this.paths.defaults, '');
    await writeFile(
      this.paths.torrc,
      buildTorrc({
        dataDir,
        controlPort: this.opts.controlPort,
        controlPortFile: this.paths.controlPortFile,
        cookieFile: this.paths.cookieFile,
        socksPort: this.opts.socksPort,
        owningPid: this.opts.owningPid,
        disableNetwork: !this.networkEnabled,
        emptyFile: this.paths.defaults,
        extraLines: this.opts.extraTorrc,
      }),
    );
    await rm(this.paths.controlPortFile, { force: true });
    this.socks = null;
    this.status = { progress: 0, tag: 'starting', summary: 'Starting' };

    const child = this.opts.spawn(this.opts.torPath, ['-f', this.paths.torrc, '--defaults-torrc', this.paths.defaults], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    this.child = child;
    // 'close' (not 'exit'): it fires after stdout/stderr end, so the last log lines are in.
    this.childExit = new Promise((r) => child.once('close', () => r()));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.onLogLine(line));
    }
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(TorError.TOR_START_FAILED(`cannot run ${this.opts.torPath}: ${err.message}`, [], err)));
    });
    spawnError.catch(() => {});

    const deadline = AbortSignal.timeout(this.opts.startTimeoutMs);
    const startSignal = signal ? AbortSignal.any([signal, deadline, this.stopController.signal]) : AbortSignal.any([deadline, this.stopController.signal]);
    const exitedEarly = this.childExit.then(() => {
      throw TorError.TOR_START_FAILED(`tor exited during start (code ${child.exitCode}, signal ${child.signalCode})`, this.recentLog());
    });
    exitedEarly.catch(() => {});
    try {
      const address = await Promise.race([this.waitControlPortFile(startSignal), exitedEarly, spawnError]);
      const control = await Promise.race([
        TorControl.connect({ host: address.host, port: address.port, signal: startSignal, commandTimeoutMs: this.opts.commandTimeoutMs }),
        exitedEarly,
      ]);
      this.controlConn = control;
      const cmd = { signal: startSignal };
      await control.authenticate({ cookieFile: this.paths.cookieFile, ...cmd });
      // The control connection owns tor: if our process dies, the socket closes and tor exits.
      await control.command('TAKEOWNERSHIP', cmd);
      control.on('event', (e) => {
        if (e.name !== 'STATUS_CLIENT') return;
        const s = parseBootstrap(e.text);
        if (s) this.setStatus(s);
      });
      await control.subscribe('STATUS_CLIENT', cmd);
      const phase = (await control.getInfo(['status/bootstrap-phase'], cmd)).get('status/bootstrap-phase');
      const s = phase ? parseBootstrap(phase) : null;
      if (s) this.setStatus(s);
      if (this.networkEnabled) await this.readSocksPort(control, startSignal);
    } catch (err) {
      if (err instanceof TorError && err.code === 'TOR_START_FAILED') throw err;
      const why = deadline.aborted ? `not ready within ${this.opts.startTimeoutMs} ms` : String(err instanceof Error ? err.message : err);
      throw TorError.TOR_START_FAILED(why, this.recentLog(), err);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw TorError.TOR_START_FAILED('tor exited right after start', this.recentLog());
    }
    // From here to `state = 'running'` is synchronous, so no exit can slip between.
    child.once('close', (code, sig) => this.onExit(child, code, sig));
  }

  private async readSocksPort(control: TorControl, signal?: AbortSignal): Promise<void> {
    const value = (await control.getInfo(['net/listeners/socks'], { signal })).get('net/listeners/socks') ?? '';
    const port = parseSocksListeners(value)[0];
    if (port === undefined) throw TorError.TOR_START_FAILED(`tor opened no SOCKS listener (${JSON.stringify(value)})`, this.recentLog());
    this.socks = port;
  }

  private setStatus(s: BootstrapStatus): void {
    this.status = s;
    this.emit('bootstrap', { ...s });
  }

  private onLogLine(line: string): void {
    this.log.push(line);
    if (this.log.length > this.opts.logLines) this.log.shift();
    this.emit('log', line);
  }

  /** ControlPortWriteToFile: tor writes the file (temp + rename) once the listener is open. */
  private waitControlPortFile(signal: AbortSignal): Promise<{ host: string; port: number }> {
    return new Promise((resolvePromise, reject) => {
      let watcher: FSWatcher | null = null;
      let done = false;
      const finish = (err: Error | null, value?: { host: string; port: number }) => {
        if (done) return;
        done = true;
        watcher?.close();
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolvePromise(value!);
      };
      const check = () => {
        readFile(this.paths.controlPortFile, 'utf8').then(
          (text) => {
            const address = parseControlPortFile(text);
            if (address) finish(null, address);
          },
          () => {},
        );
      };
      const onAbort = () => finish(TorError.ABORTED('waiting for the control port'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      watcher = watch(this.opts.dataDir, (_event, name) => {
        if (name === null || String(name).startsWith('control.port')) check();
      });
      watcher.on('error', () => {});
      check();
    });
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.state !== 'running') return;
    this.state = 'restarting';
    this.controlConn?.close();
    this.controlConn = null;
    this.socks = null;
    this.emit('crashed', { code, signal, lastLogLines: this.recentLog() });
    void this.restartLoop();
  }

  private async restartLoop(): Promise<void> {
    const backoffs = this.opts.restartBackoffsMs;
    let lastError: unknown = null;
    for (let attempt = 0; attempt < this.opts.maxRestartAttempts; attempt++) {
      const delay = backoffs[Math.min(attempt, backoffs.length - 1)]!;
      const stopped = await sleep(delay, this.stopController.signal);
      if (stopped || this.state !== 'restarting') return;
      try {
        await this.launch();
        if (this.state !== 'restarting') return; // stop() raced us; doStop reaps the new child
        this.state = 'running';
        this.emit('restarted', this.controlConn!);
        return;
      } catch (err) {
        lastError = err;
        const child = this.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await this.childExit;
        }
      }
    }
    if (this.state !== 'restarting') return;
    this.state = 'failed';
    process.off('exit', this.killOnExit);
    const err = lastError instanceof TorError ? lastError : TorError.TOR_START_FAILED('restarts exhausted', this.recentLog(), lastError);
    this.emit('failed', err);
  }
}

/** Resolves true if `signal` aborted before `ms` passed. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((r) => {
    if (signal.aborted) return r(true);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      r(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      r(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
