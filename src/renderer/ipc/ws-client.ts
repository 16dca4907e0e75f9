// The SottoApi over the browser host's WebSocket (docs/ARCHITECTURE.md "Browser host"): the same
// methods as Electron's preload, derived from the contract's channel list, so a component cannot
// tell the two hosts apart. DOM APIs only (WebSocket, JSON); the protocol is src/ipc/bridge.ts.
// The socket opens on first use and again after it closed; calls waiting when it closes are
// answered IPC_DISCONNECTED rather than left hanging. While a window listens for events, a dropped
// socket (host restarted on the same address and token, connection lost) is reopened on its own,
// waiting 250 ms, 500 ms, ... at most 5 s between tries, so events flow again without a call; a
// host that refuses the token (4401) is not retried, since only a new address can help.
import {
  CHANNEL_NAMES, CLOSE_CODES, EVENT, IPC_ERRORS, hostMessageSchema, fail,
  type ChannelName, type Result, type SottoApi, type SottoEvent,
} from '../../ipc/index.ts';

export interface WsApiOptions {
  /** ws://127.0.0.1:<port>/ipc */
  url: string;
  /** The 64-hex token from the URL fragment. */
  token: string;
  /** Tests in Node pass the `ws` package's WebSocket; browsers use their own. */
  WebSocketImpl?: new (url: string) => WebSocket;
  /** The first and the longest wait between reconnect tries (default 250 ms and 5 s). */
  reconnectMs?: { first: number; max: number };
  /** Timers for the reconnect waits (tests may pass their own; default the window's). */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** Called when a socket reopened on its own after a drop: events sent meanwhile were missed. */
  onReopen?: () => void;
}

const DEFAULT_RECONNECT_MS = { first: 250, max: 5_000 };

function windowTimer(fn: () => void, ms: number): () => void {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}

type Pending = (result: Result<unknown>) => void;

export function createWsApi(o: WsApiOptions): SottoApi {
  const Impl = o.WebSocketImpl ?? WebSocket;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: SottoEvent) => void>();
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  const backoff = o.reconnectMs ?? DEFAULT_RECONNECT_MS;
  const setTimer = o.setTimer ?? windowTimer;
  let cancelReconnect: (() => void) | null = null;
  let failedTries = 0;

  /** After a drop, while someone listens: one more try after a wait that doubles up to the bound. */
  function scheduleReconnect(): void {
    if (cancelReconnect || listeners.size === 0) return;
    const wait = Math.min(backoff.max, backoff.first * 2 ** Math.min(failedTries, 20));
    failedTries++;
    cancelReconnect = setTimer(() => {
      cancelReconnect = null;
      if (listeners.size === 0 || socket) return;
      // A failed try closes the socket, and its close schedules the next one.
      connect().then(() => o.onReopen?.(), () => undefined);
    }, wait);
  }

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    const attempt = new Promise<WebSocket>((resolve, reject) => {
      const ws = new Impl(o.url);
      socket = ws;
      ws.onopen = () => {
        failedTries = 0;
        ws.send(JSON.stringify({ type: 'auth', token: o.token }));
        resolve(ws);
      };
      ws.onmessage = (e) => receive(typeof e.data === 'string' ? e.data : String(e.data));
      ws.onerror = () => reject(new Error('the Sotto host cannot be reached'));
      ws.onclose = (e) => {
        if (socket === ws) { socket = null; opened = null; }
        const why = e.code === CLOSE_CODES.UNAUTHORIZED ? 'the host refused this window (open Sotto from the address it printed)' : 'the connection to the Sotto host closed';
        for (const [id, answer] of pending) { pending.delete(id); answer(fail(IPC_ERRORS.DISCONNECTED, why)); }
        reject(new Error(why));
        if (e.code !== CLOSE_CODES.UNAUTHORIZED) scheduleReconnect();
      };
    });
    // A failed connect is reported by the call that needed it; the next call tries again.
    attempt.catch(() => { if (opened === attempt) opened = null; });
    opened = attempt;
    return attempt;
  }

  function receive(text: string): void {
    let parsed;
    try {
      parsed = hostMessageSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'result') {
      if (m.id === null) return;
      const answer = pending.get(m.id);
      pending.delete(m.id);
      answer?.(m.result);
      return;
    }
    const event = EVENT.safeParse(m.event);
    if (!event.success) return;
    for (const l of listeners) {
      try { l(event.data); } catch (err) { console.error(err); }
    }
  }

  async function call(channel: ChannelName, input: unknown): Promise<Result<unknown>> {
    let ws: WebSocket;
    try {
      ws = await connect();
    } catch (err) {
      return fail(IPC_ERRORS.DISCONNECTED, err instanceof Error ? err.message : String(err));
    }
    const id = nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ type: 'call', id, channel, input }));
    });
  }

  const api: Record<string, unknown> = {
    onEvent(listener: (event: SottoEvent) => void): () => void {
      listeners.add(listener);
      // Events flow once the socket is up; subscribing opens it.
      void connect().catch(() => undefined);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) { cancelReconnect?.(); cancelReconnect = null; }
      };
    },
  };
  for (const name of CHANNEL_NAMES) api[name] = (input?: unknown) => call(name, input);
  // Built from CHANNEL_NAMES: every channel has its method (the test in src/main/host checks it).
  return api as unknown as SottoApi;
}
