// Event-driven client of tor's control protocol (control-spec.txt) over one TCP connection.
// Commands are pipelined: each is written at once and its reply is the next non-650 reply tor
// sends (tor answers in order), so a FIFO of pending commands matches replies to commands. Async
// events (status 650) never enter that FIFO; they go to 'event' listeners. A command that timed
// out or was aborted keeps its FIFO slot (tor will still answer it) and its late reply is dropped.
import { EventEmitter } from 'node:events';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { TorError } from './errors.ts';
import { ReplyParser, parseKeywords, quoteString, type ControlReply, type ReplyLine } from './reply-parser.ts';
import { COOKIE_LENGTH, NONCE_LENGTH, safeCookieClientHash, safeCookieServerHash, verifyServerHash } from './safecookie.ts';

export type { ControlReply, ReplyLine } from './reply-parser.ts';

/** An async event (650 reply). `name` is its first word, e.g. STATUS_CLIENT or HS_DESC. */
export interface ControlEvent {
  name: string;
  /** Text of the first line after the event name. */
  text: string;
  lines: ReplyLine[];
}

export interface CommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface TorControlOptions {
  /** Default per-command timeout; tor answers local commands in < 10 ms, ADD_ONION in < 100 ms. */
  commandTimeoutMs?: number;
  randomBytes?: (n: number) => Uint8Array;
}

export interface ConnectOptions extends TorControlOptions {
  host?: string;
  port: number;
  signal?: AbortSignal | undefined;
  connectTimeoutMs?: number;
}

export interface AuthenticateOptions extends CommandOptions {
  /** Where our own torrc put the cookie. Preferred over the path tor names in PROTOCOLINFO. */
  cookieFile?: string;
  /** The cookie bytes themselves (tests). */
  cookie?: Uint8Array;
}

export interface ProtocolInfo {
  methods: string[];
  cookieFile: string | undefined;
  torVersion: string | undefined;
}

interface PendingCommand {
  command: string;
  settled: boolean;
  resolve: (reply: ControlReply) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

type TorControlEvents = {
  event: [ControlEvent];
  close: [TorError];
};

export class TorControl extends EventEmitter<TorControlEvents> {
  private readonly socket: Socket;
  private readonly parser = new ReplyParser();
  private readonly pending: PendingCommand[] = [];
  private readonly commandTimeoutMs: number;
  private readonly randomBytes: (n: number) => Uint8Array;
  private closedError: TorError | null = null;
  private readonly subscriptions = new Map<string, number>();
  private eventsUpdate: Promise<unknown> = Promise.resolve();

  constructor(socket: Socket, opts: TorControlOptions = {}) {
    super();
    this.socket = socket;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 30_000;
    this.randomBytes = opts.randomBytes ?? ((n) => nodeRandomBytes(n));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => { /* 'close' follows and rejects everything */ });
    socket.on('close', () => this.onClose(TorError.CONTROL_CLOSED()));
  }

  static connect(opts: ConnectOptions): Promise<TorControl> {
    const host = opts.host ?? '127.0.0.1';
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(TorError.ABORTED('control connect'));
      const socket = connect({ host, port: opts.port });
      const finish = (err: Error | null) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off('connect', onConnect);
        if (err) {
          socket.destroy();
          reject(err);
        } else {
          resolve(new TorControl(socket, opts));
        }
      };
      const onError = (err: Error) => finish(TorError.CONTROL_CONNECT_FAILED(err));
      const onConnect = () => finish(null);
      const onAbort = () => finish(TorError.ABORTED('control connect'));
      const timer = setTimeout(() => finish(TorError.CONTROL_CONNECT_FAILED(`timeout after ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', onError);
      socket.once('connect', onConnect);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /**
   * Sends one command line and resolves with tor's reply when its status is 2xx; 4xx/5xx reject
   * with TorError COMMAND_REJECTED carrying tor's status and text.
   */
  command(command: string, opts: CommandOptions = {}): Promise<ControlReply> {
    // One command per line: a CR or LF inside an argument would smuggle in a second command.
    if (/[\r\n]/.test(command) || command.length === 0) {
      return Promise.reject(TorError.BAD_INPUT('control command must be one non-empty line'));
    }
    if (this.closedError) return Promise.reject(this.closedError);
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(TorError.ABORTED(verb(command)));
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    return new Promise<ControlReply>((resolve, reject) => {
      const entry: PendingCommand = {
        command: verb(command),
        settled: false,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const abandon = (err: TorError) => {
        if (entry.settled) return;
        entry.settled = true;
        entry.cleanup();
        reject(err);
      };
      const onAbort = () => abandon(TorError.ABORTED(entry.command));
      const timer = setTimeout(() => abandon(TorError.CONTROL_TIMEOUT(entry.command, timeoutMs)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(entry);
      this.socket.write(`${command}\r\n`);
    });
  }

  /** GETINFO; returns key -> value (data blocks included). */
  async getInfo(keys: string[], opts: CommandOptions = {}): Promise<Map<string, string>> {
    for (const key of keys) assertWord(key, 'GETINFO key');
    const reply = await this.command(`GETINFO ${keys.join(' ')}`, opts);
    const out = new Map<string, string>();
    for (const line of reply.lines) {
      const eq = line.text.indexOf('=');
      if (eq === -1) continue; // the final "250 OK"
      out.set(line.text.slice(0, eq), line.data ?? line.text.slice(eq + 1));
    }
    return out;
  }

  async setConf(entries: Record<string, string | string[] | null>, opts: CommandOptions = {}): Promise<void> {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(entries)) {
      assertWord(key, 'SETCONF key');
      if (value === null) parts.push(key);
      else for (const v of Array.isArray(value) ? value : [value]) parts.push(`${key}=${quoteString(v)}`);
    }
    await this.command(`SETCONF ${parts.join(' ')}`, opts);
  }

  /** SETEVENTS replaces tor's whole event set; prefer `subscribe`, which keeps a union. */
  async setEvents(names: string[], opts: CommandOptions = {}): Promise<void> {
    for (const name of names) assertWord(name, 'event name');
    await this.command(names.length > 0 ? `SETEVENTS ${names.join(' ')}` : 'SETEVENTS', opts);
  }

  /**
   * Adds `name` to the event set this connection receives (reference counted, so the process
   * manager's STATUS_CLIENT and the onion endpoints' HS_DESC do not unsubscribe each other).
   * Returns a function that drops this subscription.
   */
  async subscribe(name: string, opts: CommandOptions = {}): Promise<() => Promise<void>> {
    assertWord(name, 'event name');
    const before = this.subscriptions.get(name) ?? 0;
    this.subscriptions.set(name, before + 1);
    if (before === 0) {
      try {
        await this.syncEvents(opts);
      } catch (err) {
        const n = (this.subscriptions.get(name) ?? 1) - 1;
        if (n > 0) this.subscriptions.set(name, n);
        else this.subscriptions.delete(name);
        throw err;
      }
    }
    let dropped = false;
    return async () => {
      if (dropped) return;
      dropped = true;
      const n = (this.subscriptions.get(name) ?? 1) - 1;
      if (n > 0) {
        this.subscriptions.set(name, n);
        return;
      }
      this.subscriptions.delete(name);
      if (!this.closed) await this.syncEvents({});
    };
  }

  private syncEvents(opts: CommandOptions): Promise<void> {
    // Serialised so two overlapping SETEVENTS cannot leave tor with a stale set.
    const run = this.eventsUpdate.catch(() => {}).then(() => this.setEvents([...this.subscriptions.keys()], opts));
    this.eventsUpdate = run;
    return run;
  }

  async signal(name: string, opts: CommandOptions = {}): Promise<void> {
    assertWord(name, 'signal');
    await this.command(`SIGNAL ${name}`, opts);
  }

  async protocolInfo(opts: CommandOptions = {}): Promise<ProtocolInfo> {
    const reply = await this.command('PROTOCOLINFO 1', opts);
    let methods: string[] = [];
    let cookieFile: string | undefined;
    let torVersion: string | undefined;
    for (const line of reply.lines) {
      if (line.text.startsWith('AUTH ')) {
        const kw = parseKeywords(line.text.slice(5)).keywords;
        methods = (kw.get('METHODS') ?? '').split(',').filter((m) => m !== '');
        cookieFile = kw.get('COOKIEFILE');
      } else if (line.text.startsWith('VERSION ')) {
        torVersion = parseKeywords(line.text.slice(8)).keywords.get('Tor');
      }
    }
    return { methods, cookieFile, torVersion };
  }

  /** PROTOCOLINFO, then SAFECOOKIE (preferred), COOKIE, or NULL authentication. */
  async authenticate(opts: AuthenticateOptions = {}): Promise<void> {
    const cmd = { timeoutMs: opts.timeoutMs, signal: opts.signal };
    const info = await this.protocolInfo(cmd);
    if (info.methods.includes('NULL') && opts.cookie === undefined && opts.cookieFile === undefined) {
      await this.command('AUTHENTICATE', cmd);
      return;
    }
    const hasSafe = info.methods.includes('SAFECOOKIE');
    if (!hasSafe && !info.methods.includes('COOKIE')) {
      throw TorError.AUTH_FAILED(`no supported method in ${info.methods.join(',') || '(none)'}`);
    }
    const cookie = opts.cookie ?? (await readCookie(opts.cookieFile ?? info.cookieFile));
    if (cookie.length !== COOKIE_LENGTH) throw TorError.AUTH_FAILED(`cookie is ${cookie.length} bytes, expected ${COOKIE_LENGTH}`);
    let secret: Uint8Array = cookie;
    if (hasSafe) {
      const clientNonce = this.randomBytes(NONCE_LENGTH);
      const reply = await this.command(`AUTHCHALLENGE SAFECOOKIE ${Buffer.from(clientNonce).toString('hex')}`, cmd);
      const text = reply.lines[0]?.text ?? '';
      const kw = parseKeywords(text.replace(/^AUTHCHALLENGE /, '')).keywords;
      const serverHash = parseHex(kw.get('SERVERHASH'), 32);
      const serverNonce = parseHex(kw.get('SERVERNONCE'), NONCE_LENGTH);
      if (!serverHash || !serverNonce) throw TorError.CONTROL_PROTOCOL(`bad AUTHCHALLENGE reply ${JSON.stringify(text)}`);
      if (!verifyServerHash(safeCookieServerHash(cookie, clientNonce, serverNonce), serverHash)) {
        this.close();
        throw TorError.BAD_SERVER_HASH();
      }
      secret = safeCookieClientHash(cookie, clientNonce, serverNonce);
    }
    try {
      await this.command(`AUTHENTICATE ${Buffer.from(secret).toString('hex')}`, cmd);
    } catch (err) {
      if (err instanceof TorError && err.code === 'COMMAND_REJECTED') throw TorError.AUTH_FAILED(err.message, err.status);
      throw err;
    }
  }

  /** Closes the connection; pending commands reject with CONTROL_CLOSED. */
  close(): void {
    this.socket.destroy();
    this.onClose(TorError.CONTROL_CLOSED());
  }

  private onData(chunk: Buffer): void {
    let replies: ControlReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (err) {
      // A malformed line means we no longer know where replies start: drop the connection.
      this.socket.destroy();
      this.onClose(err instanceof TorError ? err : TorError.CONTROL_PROTOCOL(String(err)));
      return;
    }
    for (const reply of replies) {
      if (reply.status === 650) this.emitEvent(reply);
      else this.settle(reply);
    }
  }

  private emitEvent(reply: ControlReply): void {
    const first = reply.lines[0]?.text ?? '';
    const space = first.indexOf(' ');
    const name = space === -1 ? first : first.slice(0, space);
    const text = space === -1 ? '' : first.slice(space + 1);
    this.emit('event', { name, text, lines: reply.lines });
  }

  private settle(reply: ControlReply): void {
    const entry = this.pending.shift();
    if (!entry) {
      // tor never speaks unprompted except for 650 events (and a 5xx just before closing).
      return;
    }
    if (entry.settled) return;
    entry.settled = true;
    entry.cleanup();
    if (reply.status >= 200 && reply.status < 300) entry.resolve(reply);
    else {
      const text = reply.lines.map((l) => l.text).join(' / ');
      entry.reject(TorError.COMMAND_REJECTED(entry.command, reply.status, text));
    }
  }

  private onClose(err: TorError): void {
    if (this.closedError) return;
    this.closedError = err;
    for (const entry of this.pending.splice(0)) {
      if (entry.settled) continue;
      entry.settled = true;
      entry.cleanup();
      entry.reject(err);
    }
    this.emit('close', err);
  }
}

function verb(command: string): string {
  const space = command.indexOf(' ');
  return space === -1 ? command : command.slice(0, space);
}

function assertWord(value: string, what: string): void {
  if (!/^[A-Za-z0-9_/.:@-]+$/.test(value)) throw TorError.BAD_INPUT(`bad ${what}: ${JSON.stringify(value)}`);
}

function parseHex(value: string | undefined, length: number): Buffer | null {
  if (value === undefined || !/^[0-9A-Fa-f]+$/.test(value) || value.length !== length * 2) return null;
  return Buffer.from(value, 'hex');
}

async function readCookie(path: string | undefined): Promise<Uint8Array> {
  if (!path) throw TorError.AUTH_FAILED('tor named no cookie file and none was configured');
  try {
    return await readFile(path);
  } catch (err) {
    throw TorError.AUTH_FAILED(`cannot read cookie file ${path}: ${String(err)}`);
  }
}
