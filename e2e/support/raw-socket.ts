// A WebSocket to the browser host that speaks the wire protocol by hand (docs/ARCHITECTURE.md
// "Browser host"), so a test can send what the renderer never would: no token, a foreign Origin,
// broken JSON, unknown channels, payloads of the wrong type.
import WebSocket from 'ws';
import { WAIT } from './eventually.ts';

export interface Closed { code: number; reason: string }

export type Opened =
  | { kind: 'open'; socket: RawSocket }
  /** The HTTP upgrade was answered with a status instead of 101. */
  | { kind: 'refused'; status: number };

export class RawSocket {
  /** Every parsed message the host sent, in order. */
  readonly received: unknown[] = [];
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];
  private nextId = 1;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      let parsed: unknown;
      try { parsed = JSON.parse(String(data)); } catch { parsed = { unparsable: String(data) }; }
      this.received.push(parsed);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') });
      for (const w of this.waiters.splice(0)) w();
    }));
  }

  sendRaw(text: string): void { this.ws.send(text); }

  send(message: unknown): void { this.ws.send(JSON.stringify(message)); }

  auth(token: string): void { this.send({ type: 'auth', token }); }

  /** Sends a call and resolves with its `result` (the host's Result object). */
  async call(channel: string, input: unknown, timeoutMs: number = WAIT.ui): Promise<unknown> {
    const id = this.nextId++;
    this.send({ type: 'call', id, channel, input });
    const reply = await this.waitFor((m) => isRecord(m) && m.type === 'result' && m.id === id, timeoutMs, `result of ${channel}`);
    return isRecord(reply) ? reply.result : undefined;
  }

  /** The first received message (past or future) that matches; fails on close or timeout. */
  waitFor(match: (m: unknown) => boolean, timeoutMs: number, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { done(); reject(new Error(`${what}: nothing within ${timeoutMs} ms`)); }, timeoutMs);
      const done = (): void => { clearTimeout(timer); };
      const look = (): void => {
        const hit = this.received.find(match);
        if (hit !== undefined) { done(); resolve(hit); return; }
        if (this.ws.readyState === WebSocket.CLOSED) { done(); reject(new Error(`${what}: socket closed first`)); return; }
        this.waiters.push(look);
      };
      look();
    });
  }

  /** Resolves with the close, or rejects after `timeoutMs` if the host keeps the socket open. */
  closedWithin(timeoutMs: number): Promise<Closed> {
    return Promise.race([
      this.closed,
      new Promise<Closed>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  close(): void { this.ws.close(); }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Opens ws://127.0.0.1:<port>/ipc with the given Origin (and Host) headers. */
export function openRaw(port: number, headers: { origin?: string; host?: string } = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ipc`, {
      headers: { ...(headers.host ? { host: headers.host } : {}) },
      ...(headers.origin ? { origin: headers.origin } : {}),
      handshakeTimeout: WAIT.ui,
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => resolve({ kind: 'open', socket: new RawSocket(ws) }));
    ws.once('error', (err) => reject(err));
  });
}
