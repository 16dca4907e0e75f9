// One tor process of the private network: spawned without a shell from a torrc we wrote, with
// an empty defaults file (tor would otherwise read /etc/tor/torrc, and it rejects /dev/null).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { guardChild } from './child-guard.ts';
import { torSpawnFailed } from './errors.ts';
import { renderTorrc, type TorNodeRole } from './torrc.ts';

const TAIL_LINES = 40;

export interface TorNodeOptions {
  nickname: string;
  role: TorNodeRole;
  torPath: string;
  dataDir: string;
  torrc: readonly string[];
  defaultsTorrc: string;
  /** Called with every log line tor prints on stdout. */
  onLine?: (line: string) => void;
}

export class TorNode {
  readonly nickname: string;
  readonly role: TorNodeRole;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly tailLines: string[] = [];
  private readonly logFile: WriteStream;

  private constructor(o: TorNodeOptions, child: ChildProcess) {
    this.nickname = o.nickname;
    this.role = o.role;
    this.dataDir = o.dataDir;
    this.child = child;
    this.logFile = createWriteStream(join(o.dataDir, 'tor.log'));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    let pending = '';
    const onChunk = (chunk: Buffer): void => {
      this.logFile.write(chunk);
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        this.tailLines.push(line);
        if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
        o.onLine?.(line);
      }
    };
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    child.once('exit', () => this.logFile.end());
  }

  static async start(o: TorNodeOptions): Promise<TorNode> {
    const torrcPath = join(o.dataDir, 'torrc');
    await writeFile(torrcPath, renderTorrc(o.torrc), { mode: 0o600 });
    let child: ChildProcess;
    try {
      child = spawn(o.torPath, ['-f', torrcPath, '--defaults-torrc', o.defaultsTorrc], {
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
      });
    } catch (err) {
      throw torSpawnFailed(o.nickname, err);
    }
    guardChild(child);
    const node = new TorNode(o, child);
    // ENOENT and friends arrive asynchronously as 'error'; surface them as a failed start.
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(torSpawnFailed(o.nickname, err)));
    });
    // Later errors (a kill racing the exit) must not crash the host.
    child.on('error', () => {});
    return node;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(): string {
    return this.tailLines.join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is reaped. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) {
      await this.exited;
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
