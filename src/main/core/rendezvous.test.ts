// A remembered endpoint read back from the profile (rendezvous.ts rememberedEndpointOf): anything
// but a well-formed onion address and a finite time is nothing to dial, never an error.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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
// links; the tor and registry ports only carry the dial to a peer that answers when told.
async function dialingRendezvous(t: TestContext) {
  await ready();
  const own = identityFromSeed(new Uint8Array(32).fill(0x11));
  const peer = identityFromSeed(new Uint8Array(32).fill(0x22));
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const reached = once(server, 'connection') as Promise<[Socket]>;
  const onion = (byte: number): string => onionAddressFromPublicKey(new Uint8Array(32).fill(byte));
  const tor: TorPort = {
    start: async () => undefined, onRestart: () => undefined,
    addEndpoint: async () => ({ onion: onion(4) }), removeEndpoint: async () => undefined, forgetClientAuth: async () => undefined,
    connect: async () => {
      const socket = connect(port, '127.0.0.1');
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
    // The remembered endpoint is dialed at start: the dial this test holds in its handshake.
    remembered: { onion: onion(3), seenAt: Date.now() },
  });
  t.after(async () => {
    for (const link of handedUp) link.close('normal');
    server.close();
  });
  await rendezvous.start({ kind: 'visible', state: 'online' });
  const [socket] = await reached;
  return {
    rendezvous, handedUp,
    /** The peer completes the handshake only now. */
    answer: () => contactLinkFactory({ clock: systemClock }).open({ stream: socket, initiator: false, identity: peer, expectedPeer: own.publicKey, displayName: 'peer' }),
  };
}

test('a revoke (stop with lastWord) hands up a link that finishes its handshake after the stop', async (t) => {
  const { rendezvous, handedUp, answer } = await dialingRendezvous(t);
  await rendezvous.stop({ dropEntries: true, lastWord: true });
  const peerEnd = await answer();
  const deadline = Date.now() + 30_000;
  while (handedUp.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(handedUp.length, 1, 'the late link reached the owner');
  assert.equal(handedUp[0]!.initiator, true);
  peerEnd.close('normal');
});

test('a plain stop (quit, block) never hands up a link still in its handshake', async (t) => {
  const { rendezvous, handedUp, answer } = await dialingRendezvous(t);
  await rendezvous.stop({ dropEntries: false });
  // Cut during the handshake (the peer's open fails), or closed with the quit's bye once done.
  const peerEnd = await answer().catch(() => null);
  if (peerEnd) {
    const closed = await new Promise<LinkClosed>((resolve) => peerEnd.onClose(resolve));
    assert.equal(closed.reason, 'shutdown');
  }
  assert.equal(handedUp.length, 0);
});
