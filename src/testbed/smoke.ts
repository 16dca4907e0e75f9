// `npm run testbed -- --smoke`: the shortest proof that the private network carries what Sotto
// needs (DESIGN D5): a client-auth onion endpoint on tor A, reached from tor B only with the
// right x25519 key. Order matters: B first tries without a key (must be refused with 0xF4), then
// with a wrong key (0xF5), then with the right one; tor keeps the undecryptable descriptor and
// re-parses it when a key is added, so the refusals cost no extra descriptor fetch.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { addClientAuth, connectOnion, OnionEndpoints, TorError } from '../main/tor/index.ts';
import { startClientTor, type ClientTor } from './client-tor.ts';
import { smokeFailed } from './errors.ts';
import { startTorNetwork, type TorNetwork } from './network.ts';

export interface SmokeOptions {
  dir: string;
  torPath?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => number;
  /** Ping-pong round trips measured over the onion stream. */
  rttSamples?: number;
}

export interface SmokeResult {
  /** `name -> value` (milliseconds unless the name says otherwise). */
  timings: Record<string, number>;
}

function x25519Pair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = publicKey.export({ format: 'jwk' }).x;
  const sec = privateKey.export({ format: 'jwk' }).d;
  if (pub === undefined || sec === undefined) throw new Error('x25519 export failed');
  return { publicKey: Buffer.from(pub, 'base64url'), secretKey: Buffer.from(sec, 'base64url') };
}

function echoServer(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('server has no port');
  return a.port;
}

/** One byte out, one byte back, `n` times; returns the median in milliseconds (fractional). */
async function medianRtt(socket: Socket, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => {
        socket.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        socket.off('data', onData);
        reject(err);
      };
      socket.once('data', onData);
      socket.once('error', onError);
      socket.write(Buffer.from([i & 0xff]));
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

async function expectRefused(what: string, expected: TorError['code'], attempt: () => Promise<Socket>): Promise<void> {
  let socket: Socket | undefined;
  try {
    socket = await attempt();
  } catch (err) {
    if (err instanceof TorError && err.code === expected) return;
    throw smokeFailed(`${what}: expected ${expected}`, err);
  }
  socket.destroy();
  throw smokeFailed(`${what}: connection was accepted`);
}

export async function runSmoke(o: SmokeOptions): Promise<SmokeResult> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const started = now();
  const timings: Record<string, number> = {};
  let network: TorNetwork | undefined;
  const clients: ClientTor[] = [];
  let server: Server | undefined;
  try {
    network = await startTorNetwork({ dir: join(o.dir, 'tor'), signal: o.signal, torPath: o.torPath, log, now });
    timings.network_boot_ms = network.bootMs;
    timings.network_rss_mb = Math.round((await network.rssBytes()) / 2 ** 20);

    const torrc = network.clientTorrc();
    const results = await Promise.allSettled(
      ['a', 'b'].map((name) => startClientTor({ clientTorrc: torrc, dataDir: join(o.dir, `client-${name}`), torPath: o.torPath, signal: o.signal }, now)),
    );
    for (const r of results) if (r.status === 'fulfilled') clients.push(r.value);
    for (const r of results) if (r.status === 'rejected') throw smokeFailed('client bootstrap', r.reason);
    const [a, b] = clients as [ClientTor, ClientTor];
    timings.client_bootstrap_ms = Math.max(a.bootstrapMs, b.bootstrapMs);
    const bSocks = b.tor.socksPort;
    if (bSocks === null) throw smokeFailed('client B has no SOCKS port');

    server = await echoServer();
    const auth = x25519Pair();
    const addOnionAt = now();
    const endpoints = new OnionEndpoints({ control: a.tor.control, now });
    const onion = await endpoints
      .create({ clientAuthPublicKeys: [auth.publicKey], target: { host: '127.0.0.1', port: portOf(server) }, virtualPort: 80, signal: o.signal })
      .catch((err: unknown) => {
        throw smokeFailed('ADD_ONION until HS_DESC UPLOADED', err);
      });
    timings.add_onion_to_uploaded_ms = now() - addOnionAt;
    log(`smoke_onion: ${onion.serviceId}.onion`);

    // Each attempt on its own circuit (isolation), as the app does per contact.
    const connect = (isolation: string): Promise<Socket> =>
      connectOnion({ socksPort: bSocks, serviceId: onion.serviceId, port: 80, isolation, signal: o.signal, timeoutMs: 15_000 });

    const refusedAt = now();
    await expectRefused('connect without client auth', 'ONION_MISSING_CLIENT_AUTH', () => connect('no-auth'));
    timings.refused_without_auth_ms = now() - refusedAt;
    await addClientAuth(b.tor.control, onion.serviceId, x25519Pair().secretKey);
    await expectRefused('connect with a wrong client-auth key', 'ONION_BAD_CLIENT_AUTH', () => connect('wrong-auth'));

    await addClientAuth(b.tor.control, onion.serviceId, auth.secretKey);
    const connectAt = now();
    const socket = await connect('right-auth').catch((err: unknown) => {
      throw smokeFailed('connect with client auth', err);
    });
    timings.first_connect_ms = now() - connectAt;
    timings.add_onion_to_first_connect_ms = now() - addOnionAt;
    try {
      timings.stream_rtt_median_ms = Number((await medianRtt(socket, o.rttSamples ?? 20)).toFixed(2));
    } finally {
      socket.destroy();
    }
    timings.smoke_total_ms = now() - started;
    return { timings };
  } finally {
    await Promise.all(clients.map((c) => c.tor.stop()));
    server?.close();
    await network?.stop();
  }
}
