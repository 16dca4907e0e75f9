import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { compareBytes, toHex, type Identity } from '../../protocol/index.ts';
import { ContactLink, type LinkCloseInfo } from './contact-link.ts';
import { LinkTable } from './link-table.ts';
import { preferLink } from './tie-break.ts';
import { closedWith, identity, linkPair, opened } from './test-support.ts';

const one = await identity(1);
const two = await identity(2);
// Name the two so that `low` has the smaller identity key, whatever the seeds give.
const [low, high] = compareBytes(one.publicKey, two.publicKey) < 0 ? [one, two] : [two, one];

test('tie-break: both sides pick the same link from their own point of view', () => {
  const lowView = { ours: { initiator: true }, theirs: { initiator: false } };
  const highView = { ours: { initiator: true }, theirs: { initiator: false } };
  // low's view: keep the one low dialed (ours), in either arrival order.
  assert.equal(preferLink(lowView.ours, lowView.theirs, low.publicKey, high.publicKey), lowView.ours);
  assert.equal(preferLink(lowView.theirs, lowView.ours, low.publicKey, high.publicKey), lowView.ours);
  // high's view: keep the one low dialed (theirs), in either arrival order.
  assert.equal(preferLink(highView.ours, highView.theirs, high.publicKey, low.publicKey), highView.theirs);
  assert.equal(preferLink(highView.theirs, highView.ours, high.publicKey, low.publicKey), highView.theirs);
  // Same dialer twice: the newer one wins (the dialer redialed because the old one died).
  const older = { initiator: true };
  const newer = { initiator: true };
  assert.equal(preferLink(older, newer, low.publicKey, high.publicKey), newer);
});

interface Peer {
  id: Identity;
  table: LinkTable;
  server: net.Server;
  port: number;
  links: ContactLink[];
  unlinks: LinkCloseInfo[];
}

async function peer(id: Identity, other: Identity): Promise<Peer> {
  const table = new LinkTable({ identityPublicKey: id.publicKey, duplicateGraceMs: 2_000 });
  const p: Peer = { id, table, server: net.createServer(), port: 0, links: [], unlinks: [] };
  table.on('unlink', (_peer, info) => p.unlinks.push(info));
  p.server.on('connection', (socket) => adopt(p, new ContactLink({ socket, initiator: false, identity: id, expectedPeer: other.publicKey, hello: { displayName: 'x' } })));
  p.server.listen(0, '127.0.0.1');
  await once(p.server, 'listening');
  p.port = (p.server.address() as net.AddressInfo).port;
  return p;
}

function adopt(p: Peer, link: ContactLink): void {
  p.links.push(link);
  link.on('open', () => p.table.add(link));
  link.on('close', () => {});
}

function dial(from: Peer, to: Peer, other: Identity): void {
  const socket = net.connect(to.port, '127.0.0.1');
  adopt(from, new ContactLink({ socket, initiator: true, identity: from.id, expectedPeer: other.publicKey, hello: { displayName: 'x' } }));
}

async function settle(a: Peer, b: Peer): Promise<void> {
  // Every link either opened and was kept, or closed; nothing still handshaking.
  for (let i = 0; i < 200; i++) {
    const busy = [...a.links, ...b.links].some((l) => l.state !== 'open' && l.state !== 'closed');
    const openCount = [...a.links, ...b.links].filter((l) => l.state === 'open').length;
    if (!busy && openCount <= 2) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('links did not settle');
}

const ROUNDS = Number(process.env.SOTTO_LINK_ROUNDS ?? 5);

test('simultaneous dial over TCP: exactly one link survives, the same one on both sides', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const a = await peer(low, high);
    const b = await peer(high, low);
    // Both dial at the same moment.
    dial(a, b, high);
    dial(b, a, low);
    await settle(a, b);
    assert.equal(a.table.size, 1, `round ${round}: low side`);
    assert.equal(b.table.size, 1, `round ${round}: high side`);
    const la = a.table.get(high.publicKey);
    const lb = b.table.get(low.publicKey);
    assert.ok(la !== undefined && lb !== undefined);
    assert.equal(la.sessionId, lb.sessionId, 'both sides kept the same connection');
    assert.equal(la.initiator, true, 'the survivor was dialed by the smaller identity key');
    assert.equal(lb.initiator, false);
    const losers = [...a.links, ...b.links].filter((l) => l !== la && l !== lb);
    assert.equal(losers.length, 2, 'each side had two links to choose from');
    for (const l of losers) {
      const info = await closedWith(l);
      assert.ok(info.code === 'LINK_DUPLICATE' || (info.code === 'LINK_REMOTE_BYE' && info.reason === 'duplicate'), info.code);
    }
    // The survivor works, and nobody saw the contact go offline meanwhile.
    const got = once(lb, 'presence');
    await la.send({ type: 'presence', state: 'busy', text: `round ${round}` });
    assert.equal((await got)[0].text, `round ${round}`);
    assert.deepEqual(a.unlinks, []);
    assert.deepEqual(b.unlinks, []);
    await Promise.all([a.table.closeAll(), b.table.closeAll()]);
    assert.equal(a.unlinks.length, 1);
    a.server.close();
    b.server.close();
  }
});

test('a redial while the old link is still open replaces it; drop and peer close report unlink', async () => {
  const table = new LinkTable({ identityPublicKey: low.publicKey });
  const events: string[] = [];
  table.on('link', (peerHex, _link, replaced) => events.push(`link ${peerHex === toHex(high.publicKey)} replaced=${replaced !== null}`));
  table.on('unlink', (_p, info) => events.push(`unlink ${info.code}`));

  const first = await linkPair(
    { identity: low, expectedPeer: high.publicKey, hello: { displayName: 'low' } },
    { identity: high, expectedPeer: low.publicKey, hello: { displayName: 'high' } },
  );
  await Promise.all([opened(first.a), opened(first.b)]);
  assert.equal(table.add(first.a), 'added');
  assert.equal(table.add(first.a), 'added', 'adding the current link again is a no-op');

  const second = await linkPair(
    { identity: low, expectedPeer: high.publicKey, hello: { displayName: 'low' } },
    { identity: high, expectedPeer: low.publicKey, hello: { displayName: 'high' } },
  );
  await Promise.all([opened(second.a), opened(second.b)]);
  assert.equal(table.add(second.a), 'replaced');
  assert.equal((await closedWith(first.a)).code, 'LINK_DUPLICATE');
  assert.equal(table.get(high.publicKey), second.a);

  // The peer closes: the contact is unlinked at once (only 'duplicate' gets a grace period).
  await second.b.close('shutdown');
  await closedWith(second.a);
  assert.equal(table.has(high.publicKey), false);
  assert.deepEqual(events, ['link true replaced=false', 'link true replaced=true', 'unlink LINK_REMOTE_BYE']);
  assert.throws(() => table.add(second.a), { code: 'LINK_NOT_OPEN' });
});
