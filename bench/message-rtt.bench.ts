// Message round trip over Tor (issue 11 item 2) on the shared testbed:
//   SOTTO_TESTBED=<description> npm run bench message-rtt
// Two cores A and B (test schedule), paired and linked. Three things are measured in the same
// run, interleaved round by round so machine load falls on all three alike, and all three on the
// SAME two tor processes the cores run:
//   (a) a raw 1-byte echo: an onion on B's tor (echo server behind it), connected from A's tor;
//   (b) the link's own ping/pong on the very link the messages use (ContactLink.ping());
//   (c) a message: A.sendMessage -> B stores it and acks -> A reports `acked` (shown to the user;
//       A's own `acked` commit follows off the path, docs/ARCHITECTURE.md "Message path").
// Per message, the legs are timed from the two cores' links and events (one process, one clock):
// A's append, A's write -> B decoded (Tor, one way), B decoded -> B stored + ack written, ack
// written -> A decoded (Tor, one way), A decoded -> `acked` reported. Prints p50 / p95; never asserts.
import { createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { clientAuthKeyPair, ready, toHex } from '../src/protocol/index.ts';
import type { Frame } from '../src/protocol/frames.ts';
import { EventLog, presenceOf, removeDir, servicesFor, testbed, TEST_TIMINGS, until } from '../src/main/core/test-support.ts';
import { SottoCore, type CoreServicesFactory } from '../src/main/core/sotto-core.ts';
import { ENDPOINT_VIRTUAL_PORT } from '../src/main/core/rendezvous.ts';
import type { LinkPort, TorPort } from '../src/main/core/ports.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../src/main/store/index.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pct, skipWithoutTestbed } from './support.ts';

const ROUNDS = Number(process.env.SOTTO_BENCH_RTT_ROUNDS ?? 10);
const PER_ROUND = 10;

skipWithoutTestbed();
await ready();
const tb = await testbed();

const ms = (x: number): string => `${x.toFixed(2)} ms`;
const row = (xs: number[]): string => `p50 ${ms(pct(xs, 0.5))}, p95 ${ms(pct(xs, 0.95))} (n=${xs.length})`;

type Leg = 'written' | 'decoded' | 'ackWritten' | 'ackDecoded';
/** performance.now() of each leg, by message id (hex). */
const legs = new Map<string, Partial<Record<Leg, number>>>();
const stamp = (id: Uint8Array, leg: Leg): void => {
  const key = toHex(id);
  const entry = legs.get(key) ?? {};
  entry[leg] ??= performance.now();
  legs.set(key, entry);
};

/** A core's real services, with its tor kept for the echo floor and its links timed (observed, not replaced). */
interface Side { tor: TorPort | null; links: { port: LinkPort; open: boolean }[] }
function observed(side: Side): CoreServicesFactory {
  const base = servicesFor(tb);
  return async (ctx) => {
    const services = await base(ctx);
    side.tor = services.tor;
    return {
      ...services,
      links: {
        open: async (o) => {
          const port = await services.links.open(o);
          const entry = { port, open: true };
          side.links.push(entry);
          port.onClose(() => { entry.open = false; });
          const timed: LinkPort = {
            remotePublicKey: port.remotePublicKey, initiator: port.initiator, peerName: port.peerName,
            send: (frame: Frame) => {
              if (frame.type === 'message') stamp(frame.id, 'written');
              if (frame.type === 'ack') stamp(frame.messageId, 'ackWritten');
              return port.send(frame);
            },
            close: (reason) => port.close(reason),
            onFrame: (listener) => port.onFrame((frame) => {
              if (frame.type === 'message') stamp(frame.id, 'decoded');
              if (frame.type === 'ack') stamp(frame.messageId, 'ackDecoded');
              listener(frame);
            }),
            onClose: (listener) => port.onClose(listener),
          };
          if (port.ping) timed.ping = () => port.ping!();
          return timed;
        },
      },
    };
  };
}

async function open(name: string, side: Side): Promise<{ core: SottoCore; log: EventLog; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `sotto-rtt-${name}-`));
  const core = new SottoCore({ profileDir: dir, services: observed(side), kdf: KDF_MINIMAL_FOR_TESTS, timings: TEST_TIMINGS });
  const log = new EventLog(core);
  await core.createProfile({ displayName: name, passphrase: `pass-${name}` });
  return { core, log, dir };
}

const sideA: Side = { tor: null, links: [] };
const sideB: Side = { tor: null, links: [] };
const [A, B] = await Promise.all([open('rtt-a', sideA), open('rtt-b', sideB)]);
const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
await B.core.acceptInvitation({ link: inv.link });
const bAtA = inv.contactId!;
await A.log.wait(presenceOf(bAtA, 'online'), 180_000, 0);
// Both dial at first; the tie-break closes one link. Measure on the one that stays.
await until(() => sideA.links.filter((l) => l.open).length === 1, 30_000, 'one link left after the tie-break');
const link = sideA.links.find((l) => l.open)!.port;
if (!link.ping) throw new Error('this build has no link ping');

// (a) The echo: an onion on B's tor, dialed from A's tor (a fresh circuit of those two tors).
const echo = createServer((s: Socket) => { s.setNoDelay(true); s.pipe(s); });
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as { port: number }).port;
const auth = clientAuthKeyPair(new Uint8Array(32).fill(7), 0);
const ep = await sideB.tor!.addEndpoint({ clientAuthPublicKeys: [auth.publicKey], target: { host: '127.0.0.1', port: echoPort } });
const echoStream: Duplex = await sideA.tor!.connect({ onion: ep.onion, port: ENDPOINT_VIRTUAL_PORT, clientAuthSecretKey: auth.secretKey, isolation: 'bench-echo' });
const echoOnce = (): Promise<number> => new Promise((resolve) => {
  const t0 = performance.now();
  echoStream.once('data', () => resolve(performance.now() - t0));
  echoStream.write('x');
});

const echoes: number[] = [];
const pings: number[] = [];
const trips: number[] = [];
const leg = { append: [] as number[], out: [] as number[], peer: [] as number[], back: [] as number[], status: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < PER_ROUND; i++) echoes.push(await echoOnce());
  for (let i = 0; i < PER_ROUND; i++) {
    // Timed here: the link's own figure is on the core's millisecond clock.
    const t0 = performance.now();
    await link.ping();
    pings.push(performance.now() - t0);
  }
  for (let i = 0; i < PER_ROUND; i++) {
    const m = A.log.mark;
    const t0 = performance.now();
    const sent = await A.core.sendMessage({ contactId: bAtA, body: `ping ${r}.${i}` });
    await A.log.wait((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'acked', 30_000, m);
    const t1 = performance.now();
    trips.push(t1 - t0);
    const l = legs.get(sent.id);
    if (l?.written === undefined || l.decoded === undefined || l.ackWritten === undefined || l.ackDecoded === undefined) continue;
    leg.append.push(l.written - t0);
    leg.out.push(l.decoded - l.written);
    leg.peer.push(l.ackWritten - l.decoded);
    leg.back.push(l.ackDecoded - l.ackWritten);
    leg.status.push(t1 - l.ackDecoded);
  }
}

const e50 = pct(echoes, 0.5);
const e95 = pct(echoes, 0.95);
const p50 = pct(pings, 0.5);
const p95 = pct(pings, 0.95);
console.log(`floor (a): raw 1-byte echo, onion on B's tor dialed from A's tor: ${row(echoes)}`);
console.log(`floor (b): link ping/pong on the messages' own link: ${row(pings)}`);
console.log(`message round trip (A appends, writes; B stores, acks; A reports acked): ${row(trips)}`);
console.log(`  vs (a) echo: ratio p50 ${(pct(trips, 0.5) / e50).toFixed(2)}x, p95 ${(pct(trips, 0.95) / e95).toFixed(2)}x; goal 1.2 x echo + 2 ms = ${ms(1.2 * e50 + 2)} / ${ms(1.2 * e95 + 2)}`);
console.log(`  vs (b) link ping: ratio p50 ${(pct(trips, 0.5) / p50).toFixed(2)}x, p95 ${(pct(trips, 0.95) / p95).toFixed(2)}x; 1.2 x ping + 2 ms = ${ms(1.2 * p50 + 2)} / ${ms(1.2 * p95 + 2)}`);
console.log('  legs:');
console.log(`    A sendMessage (append, one commit) -> message written: ${row(leg.append)}`);
console.log(`    written -> B decoded (Tor, one way):                   ${row(leg.out)}`);
console.log(`    B decoded -> B stored, ack written:                    ${row(leg.peer)}`);
console.log(`    ack written -> A decoded (Tor, one way):               ${row(leg.back)}`);
console.log(`    A ack decoded -> acked reported:                       ${row(leg.status)}`);

echoStream.destroy();
await sideB.tor!.removeEndpoint(ep.onion).catch(() => undefined);
echo.close();
await Promise.all([A.core.close(), B.core.close()]);
for (const d of [A.dir, B.dir]) await removeDir(d);
