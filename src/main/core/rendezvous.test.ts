// A remembered endpoint read back from the profile (rendezvous.ts rememberedEndpointOf): anything
// but a well-formed onion address and a finite time is nothing to dial, never an error.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { identityFromSeed, onionAddressFromPublicKey, ready } from '../../protocol/index.ts';
import { systemClock } from './clock.ts';
import type { LinkClosed, LinkPort, RegistryPort, TorPort } from './ports.ts';
import { DEFAULT_RENDEZVOUS_TIMINGS, Rendezvous, rememberedEndpointOf } from './rendezvous.ts';
import { contactLinkFactory } from './wiring.ts';

test('a remembered endpoint is used only when it is a valid onion address with a finite time', () => {
  const onion = onionAddressFromPublicKey(new Uint8Array(32).fill(9));
  assert.deepEqual(rememberedEndpointOf({ onion, seenAt: 1_700_000_000_000 }), { onion, seenAt: 1_700_000_000_000 });
  const flipped = `${onion[0] === 'a' ? 'b' : 'a'}${onion.slice(1)}`;
  for (const bad of [undefined, null, 'x', 7, {}, { onion }, { onion, seenAt: Number.NaN }, { onion, seenAt: '1' },
    { onion: flipped, seenAt: 1 }, { onion: 'example.com', seenAt: 1 }, { onion: 5, seenAt: 1 }]) {
    assert.equal(rememberedEndpointOf(bad), null, JSON.stringify(bad));
  }
});

// A revoke during a dual-dial race (issue 9 item 4, revoke-race.test.ts): a link still in its
// handshake when the pairing stops may be the one the peer's tie-break keeps, so a revoke's stop
// (lastWord) lets it finish and hands it up for the leave; any other stop cuts it. Real TCP, real
// links; the tor and registry ports only carry streams between the rendezvous and a peer whose
// handshake the test holds.
async function rendezvousWithPeer(t: TestContext, o: { dialOut: boolean }) {
  await ready();
  const own = identityFromSeed(new Uint8Array(32).fill(0x11));
  const peer = identityFromSeed(new Uint8Array(32).fill(0x22));
  const peerLinks = contactLinkFactory({ clock: systemClock });
  const servers: Server[] = [];
  const accepted: Socket[] = [];
  const listen = async (onConnection: (socket: Socket) => void): Promise<number> => {
    const server = createServer((socket) => { accepted.push(socket); onConnection(socket); });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const onion = (byte: number): string => onionAddressFromPublicKey(new Uint8Array(32).fill(byte));
  // Set once the rendezvous is in the handshake; `answer` lets the peer's side finish it.
  let inHandshake!: () => void;
  const handshaking = new Promise<void>((resolve) => { inHandshake = resolve; });
  let answer!: () => Promise<LinkPort>;
  let dialTarget = 0;
  if (o.dialOut) {
    // The rendezvous dials the peer, which answers only when told.
    dialTarget = await listen((socket) => {
      answer = () => peerLinks.open({ stream: socket, initiator: false, identity: peer, expectedPeer: own.publicKey, displayName: 'peer' });
      inHandshake();
    });
  }
  let endpointPort!: (port: number) => void;
  const endpoint = new Promise<number>((resolve) => { endpointPort = resolve; });
  const tor: TorPort = {
    start: async () => undefined, onRestart: () => undefined,
    addEndpoint: async ({ target }) => { endpointPort(target.port); return { onion: onion(4) }; },
    removeEndpoint: async () => undefined, forgetClientAuth: async () => undefined,
    connect: async () => {
      const socket = connect(dialTarget, '127.0.0.1');
      await once(socket, 'connect');
      return socket;
    },
    stop: async () => undefined,
  };
  const registry: RegistryPort = {
    publish: async () => undefined, drop: async () => undefined, watch: () => () => undefined, setLinked: () => undefined, stop: async () => undefined,
  };
  const handedUp: LinkPort[] = [];
  const rendezvous = new Rendezvous({
    pairing: { id: 'contact', sharedKey: new Uint8Array(32).fill(7), ownRole: 0, peerIdentityPk: peer.publicKey },
    expectedPeer: peer.publicKey, identity: own, displayName: () => 'own',
    tor, registry, links: contactLinkFactory({ clock: systemClock }), clock: systemClock, timings: DEFAULT_RENDEZVOUS_TIMINGS,
    onLink: (link) => { handedUp.push(link); }, onEntry: () => undefined, onWarning: () => undefined,
    // A remembered endpoint is dialed at start: the outbound dial.
    ...(o.dialOut ? { remembered: { onion: onion(3), seenAt: Date.now() } } : {}),
  });
  t.after(async () => {
    for (const link of handedUp) link.close('normal');
    for (const socket of accepted) socket.destroy();
    for (const server of servers) server.close();
  });
  await rendezvous.start({ kind: 'visible', state: 'online' });
  if (!o.dialOut) {
    // The peer dials our endpoint through a relay that holds our side's first answer (Noise
    // message 2): once it is held, our accept is in its handshake.
    const target = await endpoint;
    const relay = await listen((fromPeer) => {
      const toUs = connect(target, '127.0.0.1');
      fromPeer.pipe(toUs);
      toUs.once('data', (first: Buffer) => {
        inHandshake();
        answer = async () => {
          fromPeer.write(first);
          toUs.pipe(fromPeer);
          return peerEnd;
        };
      });
    });
    const peerEnd = (async () => {
      const socket = connect(relay, '127.0.0.1');
      await once(socket, 'connect');
      return peerLinks.open({ stream: socket, initiator: true, identity: peer, expectedPeer: own.publicKey, displayName: 'peer' });
    })();
    peerEnd.catch(() => undefined);
  }
  await handshaking;
  return { rendezvous, handedUp, answer: () => answer() };
}

/** stop() must not wait for the held peer: a revoke cannot hang on a half-done handshake. */
async function stopsPromptly(stopping: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('stop() waited for the handshake')), 20_000); });
  try { await Promise.race([stopping, late]); } finally { clearTimeout(timer); }
}

for (const dialOut of [true, false]) {
  const which = dialOut ? 'our dial' : 'a dial to our endpoint';
  test(`a revoke (stop with lastWord) hands up ${which} that finishes its handshake after the stop`, async (t) => {
    const { rendezvous, handedUp, answer } = await rendezvousWithPeer(t, { dialOut });
    await stopsPromptly(rendezvous.stop({ dropEntries: true, lastWord: true }));
    const peerEnd = await answer();
    const deadline = Date.now() + 30_000;
    while (handedUp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(handedUp.length, 1, 'the late link reached the owner');
    assert.equal(handedUp[0]!.initiator, dialOut);
    peerEnd.close('normal');
  });

  test(`a plain stop (quit, block) never hands up ${which} still in its handshake`, async (t) => {
    const { rendezvous, handedUp, answer } = await rendezvousWithPeer(t, { dialOut });
    await stopsPromptly(rendezvous.stop({ dropEntries: false }));
    // Cut during the handshake (the peer's open fails), or closed with the quit's bye once done.
    const peerEnd = await answer().catch(() => null);
    if (peerEnd) {
      const closed = await new Promise<LinkClosed>((resolve) => peerEnd.onClose(resolve));
      assert.equal(closed.reason, 'shutdown');
    }
    assert.equal(handedUp.length, 0);
  });
}
