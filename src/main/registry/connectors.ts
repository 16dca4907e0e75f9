// Stream connectors for the gateway transport. Production: Tor SOCKS with a fresh isolation
// credential per request, so tor puts every request on its own circuit (IsolateSOCKSAuth is on
// by default) and a gateway cannot link two requests of one profile by circuit. Tests only:
// plain TCP to a gateway's loopback URL.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { StreamConnector } from './http-exchange.ts';

/** The shape of src/main/tor's socksConnect that this folder relies on. */
export type SocksConnect = (opts: {
  socksHost?: string;
  socksPort: number;
  host: string;
  port: number;
  isolation?: string;
  signal?: AbortSignal;
}) => Promise<Duplex>;

/**
 * `socksPort` may be a function: it is read on every request, so after tor restarts (a crash, or
 * a kill) on a new SOCKS port the registry follows without an app restart (issue 10 item 4).
 */
export function torConnector(opts: { socksConnect: SocksConnect; socksPort: number | (() => number); socksHost?: string; isolation?: () => string }): StreamConnector {
  const isolation = opts.isolation ?? (() => randomBytes(16).toString('hex'));
  const port = typeof opts.socksPort === 'function' ? opts.socksPort : (): number => opts.socksPort as number;
  return (target, signal) =>
    opts.socksConnect({
      socksHost: opts.socksHost ?? '127.0.0.1',
      socksPort: port(),
      host: target.host,
      port: target.port,
      isolation: isolation(),
      signal,
    });
}

/**
 * TEST ONLY: connects straight to the gateway, so the gateway sees this machine's address. Refuses
 * anything but loopback, so it cannot be configured into a real deployment by mistake.
 */
export function tcpConnector(): StreamConnector {
  return (target, signal) =>
    new Promise<Duplex>((resolve, reject) => {
      if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target.host)) {
        reject(new Error(`tcpConnector is for loopback tests only, not ${target.host}`));
        return;
      }
      const socket = net.connect({ host: target.host === 'localhost' ? '127.0.0.1' : target.host, port: target.port });
      const onAbort = (): void => {
        socket.destroy();
        reject(new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        resolve(socket);
      });
      socket.once('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      });
    });
}
