import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDhtTestnet } from './dht.ts';

test('DHT testnet: loopback bootstrap address, killNodes spares the bootstrap node', async (t) => {
  const dht = await startDhtTestnet({ size: 20 });
  t.after(() => dht.destroy());
  assert.equal(dht.bootstrap.length, 1);
  assert.match(dht.bootstrap[0] ?? '', /^127\.0\.0\.1:\d+$/);
  assert.equal(dht.alive(), 20);
  assert.equal(await dht.killNodes(0.6), 12);
  assert.equal(dht.alive(), 8);
  // Asking for everything kills all but the bootstrap node.
  assert.equal(await dht.killNodes(1), 7);
  assert.equal(dht.alive(), 1);
  await assert.rejects(() => dht.killNodes(1.5), RangeError);
});
