// Test helpers for core integration tests: cores on the shared testbed (SOTTO_TESTBED) with shrunk
// timings, and waiting for events. Real tor, real registry, real links: nothing is faked here.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTestbedDescription, type TestbedDescription } from '../../testbed/description.ts';
import NoiseSecretStream from '@hyperswarm/secret-stream';
import {
  clientAuthKeyPair, decodeContactCode, decodeFrame, fromHex, identityFromSeed, otherRole, roleOf, toHex, type Frame,
} from '../../protocol/index.ts';
import { FAST_PUBLISHER_TIMINGS, GatewayTransport, Registry, tcpConnector, verifySignedRecord, type ContactSighting } from '../registry/index.ts';
import { KDF_MINIMAL_FOR_TESTS, unlockProfile } from '../store/index.ts';
import { addClientAuth, connectOnion, toServiceId } from '../tor/index.ts';
import { startClientTor } from '../../testbed/client-tor.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { realServices } from './wiring.ts';
import type { CoreEvent } from './types.ts';

export const TEST_TIMINGS: Partial<CoreTimings> = {
  lookupIntervalMs: 1_500,
  lookupMaxIntervalMs: 4_000,
  connectTimeoutMs: 45_000,
  expiryCheckMs: 500,
};

export async function testbed(): Promise<TestbedDescription> {
  const path = process.env.SOTTO_TESTBED;
  if (!path) throw new Error('SOTTO_TESTBED is not set: run through `npm run test:int`');
  return readTestbedDescription(path);
}

export function servicesFor(tb: TestbedDescription): ReturnType<typeof realServices> {
  return realServices({
    gateways: tb.gateways.map((g) => `http://${g.onion}`),
    torrc: tb.tor.clientTorrc,
    // One lookup sweep every 8-12 s (production: 90-120 s): how fast the tests see a contact come online.
    // Faster sweeps (48 keys x 2 gateways each) saturate the testbed DHT, whose 25 nodes share one process.
    registryTimings: { ...FAST_PUBLISHER_TIMINGS, sweepMinMs: 8_000, sweepMaxMs: 12_000 },
    link: { keepaliveMs: 2_000, deadPeerMs: 8_000 },
    tor: { connectBackoffsMs: [250, 500, 1000, 1000, 2000, 2000, 2000] },
  });
}

export class EventLog {
  readonly events: CoreEvent[] = [];
  /** performance.now() when each event arrived. */
  readonly times: number[] = [];
  private waiters: { match: (e: CoreEvent) => boolean; resolve: (e: CoreEvent) => void }[] = [];
  constructor(core: SottoCore) {
    core.onEvent((e) => {
      this.times.push(performance.now());
      this.events.push(process.env.SOTTO_DEBUG ? { ...e, at: Date.now() } as unknown as CoreEvent : e);
      if (process.env.SOTTO_DEBUG && (e.type === 'warning' || e.type === 'presence')) console.error(Date.now(), JSON.stringify(e));
      this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
    });
  }
  /** Resolves with the first event (already seen after `since`, or future) that matches. */
  wait<T extends CoreEvent>(match: (e: CoreEvent) => e is T, timeoutMs?: number, since?: number): Promise<T>;
  wait(match: (e: CoreEvent) => boolean, timeoutMs?: number, since?: number): Promise<CoreEvent>;
  wait(match: (e: CoreEvent) => boolean, timeoutMs = 90_000, since = this.events.length): Promise<CoreEvent> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      // What this core last said goes with the failure: on a loaded CI machine the message must tell
      // where things stalled (no entry found, a dial refused, a handshake failed).
      const timer = setTimeout(() => reject(new Error(`event not seen within ${timeoutMs} ms; ${this.lastSaid()}`)), timeoutMs);
      this.waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }
  get mark(): number { return this.events.length; }

  /** The last warnings and presence changes, for a failure message. */
  lastSaid(n = 8): string {
    const said = this.events.filter((e) => e.type === 'warning' || e.type === 'presence').slice(-n);
    const total = this.events.length;
    return `${total} events, the last warnings and presence: ${said.length === 0 ? 'none' : said.map((e) => JSON.stringify(e)).join(' ')}`;
  }
}

export interface TestCore { core: SottoCore; log: EventLog; dir: string; restart(): Promise<TestCore> }

export async function makeCore(tb: TestbedDescription, name: string, opts: { dir?: string; create?: boolean } = {}): Promise<TestCore> {
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), `sotto-core-${name}-`));
  const core = new SottoCore({ profileDir: dir, services: servicesFor(tb), kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS });
  const log = new EventLog(core);
  if (opts.create === false) await core.unlock({ passphrase: `pass-${name}` });
  else await core.createProfile({ displayName: name, passphrase: `pass-${name}` });
  const restart = async (): Promise<TestCore> => {
    await core.close();
    return makeCore(tb, name, { dir, create: false });
  };
  return { core, log, dir, restart };
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs`, naming `what`. */
export async function until(check: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

export function presenceOf(contactId: string, state: string) {
  return (e: CoreEvent): boolean => e.type === 'presence' && e.contactId === contactId && e.state === state;
}

/**
 * A contact's side of a pairing, driven by hand: the contact's real identity and K_AB read from its
 * (closed) profile, the peer's entry found through the real gateways, and genuine Noise sessions
 * over the peer's real onion endpoint on a tor of the test's own. Lets a test send what no
 * ContactLink would (garbage, truncated or oversized frames) to a core under test.
 */
export interface RawContact {
  /** Current endpoint of the core under test for this pairing (from its registry entry). */
  findEndpoint(): Promise<string>;
  /** The newest entry of the core under test for this pairing, as the contact reads it (or null). */
  entry(): Promise<ContactSighting | null>;
  /** Connects, completes Noise as the contact, and returns the secret stream and what it hears. */
  dial(onion: string): Promise<RawSession>;
  close(): Promise<void>;
}
export interface RawSession {
  stream: NoiseSecretStream;
  /** The onion stream under the Noise session: bytes written here skip the encryption. */
  socket: import('node:net').Socket;
  heard: Frame[];
  closed: Promise<void>;
}

export async function rawContact(tb: TestbedDescription, o: { profileDir: string; passphrase: string; peerContactCode: string; torDir: string }): Promise<RawContact> {
  const store = await unlockProfile(o.profileDir, o.passphrase);
  const { seed } = await store.identity();
  const me = identityFromSeed(seed);
  const peerPk = decodeContactCode(o.peerContactCode);
  const entry = (await store.contacts.list()).find((c) => c.record.identityPk === toHex(peerPk));
  store.lock();
  if (!entry) throw new Error('the profile has no contact with that code');
  const sharedKey = fromHex(entry.record.sharedKey, 32);
  const ownRole = roleOf(me.publicKey, peerPk);
  const registry = new Registry({
    transport: new GatewayTransport({ gateways: tb.gateways.map((g) => g.url), connect: tcpConnector(), verify: verifySignedRecord }),
    identity: me,
  });
  registry.setContacts([{ id: 'peer', sharedKey, ownRole, peerRole: otherRole(ownRole), peerIdentityPk: peerPk, visible: false }]);
  const { tor } = await startClientTor({ clientTorrc: tb.tor.clientTorrc, dataDir: o.torDir });
  const authed = new Set<string>();
  let n = 0;
  return {
    async findEndpoint() {
      const seen = await registry.lookup('peer');
      if (!seen || seen.state === 'gone') throw new Error('no live entry of the peer');
      return seen.onion;
    },
    entry: () => registry.lookup('peer'),
    async dial(onion) {
      const serviceId = toServiceId(onion);
      if (!authed.has(serviceId)) {
        await addClientAuth(tor.control, serviceId, clientAuthKeyPair(sharedKey, otherRole(ownRole)).secretKey);
        authed.add(serviceId);
      }
      const socket = await connectOnion({ socksPort: tor.socksPort!, serviceId, port: 1, isolation: `raw-${n++}`, backoffsMs: [250, 500, 1000, 1000, 2000] });
      const stream = new NoiseSecretStream(true, socket, { keyPair: { publicKey: Buffer.from(me.publicKey), secretKey: Buffer.from(me.secretKey) } });
      const heard: Frame[] = [];
      stream.on('error', () => undefined);
      stream.on('data', (d: Uint8Array) => { try { heard.push(decodeFrame(d)); } catch { /* not ours to judge */ } });
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      await new Promise<void>((resolve, reject) => { stream.once('connect', () => resolve()); stream.once('close', () => reject(new Error('closed during Noise'))); });
      return { stream, heard, closed, socket };
    },
    async close() {
      await registry.close();
      await tor.stop();
    },
  };
}

/** The pid of the tor a core runs for the profile in `dir` (its DataDirectory is `<dir>/tor`). */
export async function torPidOf(dir: string): Promise<number | null> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('tor') || cmd.includes('/tor\0')) if (cmd.includes(join(dir, 'tor'))) return Number(entry);
  }
  return null;
}
