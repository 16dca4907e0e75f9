// SOCKS5 client (RFC 1928 + RFC 1929) for tor's SocksPort. The username/password pair is our
// circuit isolation key: tor's SocksPort has IsolateSOCKSAuth on by default, so streams with
// different credentials never share a circuit (per-contact and per-registry-request isolation,
// DESIGN D4/D5). With ExtendedErrors on the SocksPort, tor answers onion failures with 0xF0-0xF7.
import { connect, type Socket } from 'node:net';
import { TorError } from './errors.ts';

export interface SocksConnectOptions {
  socksPort: number;
  socksHost?: string;
  host: string;
  port: number;
  /** Circuit isolation key; streams with equal keys may share circuits, others never do. */
  isolation?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Whole handshake, including tor fetching a descriptor and building the rendezvous. */
  timeoutMs?: number;
}

// Fixed password: isolation comes from the username alone, the password only has to be non-empty.
const ISOLATION_PASSWORD = 'sotto';

export function socksConnect(opts: SocksConnectOptions): Promise<Socket> {
  const host = Buffer.from(opts.host, 'utf8');
  if (host.length === 0 || host.length > 255 || opts.host.includes('\0')) return Promise.reject(TorError.BAD_INPUT('SOCKS host must be 1..255 bytes'));
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) return Promise.reject(TorError.BAD_INPUT(`bad port ${opts.port}`));
  let user: Buffer | null = null;
  if (opts.isolation !== undefined) {
    user = Buffer.from(opts.isolation, 'utf8');
    if (user.length === 0 || user.length > 255) return Promise.reject(TorError.BAD_INPUT('isolation key must be 1..255 bytes'));
    // tor reads usernames starting with "<torS0X>" as its extended SOCKS parameters (proposal 351).
    if (opts.isolation.startsWith('<torS')) return Promise.reject(TorError.BAD_INPUT('isolation key may not start with "<torS"'));
  }
  if (opts.signal?.aborted) return Promise.reject(TorError.ABORTED('SOCKS connect'));
  const timeoutMs = opts.timeoutMs ?? 120_000;

  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.socksHost ?? '127.0.0.1', port: opts.socksPort });
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let step: 'method' | 'auth' | 'reply' = 'method';
    let done = false;

    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.off('readable', onReadable);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) {
        socket.destroy();
        reject(err);
        return;
      }
      // Bytes the peer sent right after the reply belong to the caller.
      if (buffer.length > 0) socket.unshift(buffer);
      resolve(socket);
    };
    const onError = (err: Error) => finish(step === 'method' && buffer.length === 0 ? TorError.SOCKS_CONNECT_FAILED(err) : TorError.SOCKS_PROTOCOL(err.message));
    const onClose = () => finish(TorError.SOCKS_PROTOCOL('tor closed the SOCKS connection'));
    const onAbort = () => finish(TorError.ABORTED('SOCKS connect'));
    const timer = setTimeout(() => finish(TorError.SOCKS_TIMEOUT(timeoutMs)), timeoutMs);

    const sendConnect = () => {
      step = 'reply';
      const port = Buffer.alloc(2);
      port.writeUInt16BE(opts.port);
      socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00, 0x03, host.length]), host, port]));
    };

    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) buffer = Buffer.concat([buffer, chunk]);
      try {
        for (;;) {
          if (done) return;
          if (step === 'method') {
            if (buffer.length < 2) return;
            const [version, method] = [buffer[0], buffer[1]];
            buffer = buffer.subarray(2);
            if (version !== 0x05) throw TorError.SOCKS_PROTOCOL(`server speaks SOCKS version ${version}`);
            if (method !== (user ? 0x02 : 0x00)) throw TorError.SOCKS_PROTOCOL(`server chose auth method 0x${method?.toString(16)}`);
            if (user) {
              step = 'auth';
              const pass = Buffer.from(ISOLATION_PASSWORD);
              socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
            } else {
              sendConnect();
            }
          } else if (step === 'auth') {
            if (buffer.length < 2) return;
            const status = buffer[1];
            buffer = buffer.subarray(2);
            if (status !== 0x00) throw TorError.SOCKS_PROTOCOL(`username/password refused (0x${status?.toString(16)})`);
            sendConnect();
          } else {
            if (buffer.length < 5) return;
            if (buffer[0] !== 0x05) throw TorError.SOCKS_PROTOCOL(`bad reply version ${buffer[0]}`);
            const atyp = buffer[3];
            const addrLen = atyp === 0x01 ? 4 : atyp === 0x04 ? 16 : atyp === 0x03 ? 1 + buffer[4]! : -1;
            if (addrLen < 0) throw TorError.SOCKS_PROTOCOL(`bad address type ${atyp}`);
            const total = 4 + addrLen + 2;
            if (buffer.length < total) return;
            const rep = buffer[1]!;
            buffer = buffer.subarray(total);
            if (rep !== 0x00) throw TorError.SOCKS_REPLY(rep);
            finish(null);
            return;
          }
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    };

    socket.on('readable', onReadable);
    socket.on('error', onError);
    socket.on('close', onClose);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.write(Buffer.from(user ? [0x05, 0x01, 0x02] : [0x05, 0x01, 0x00]));
  });
}
