// A remembered endpoint read back from the profile (rendezvous.ts rememberedEndpointOf): anything
// but a well-formed onion address and a finite time is nothing to dial, never an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onionAddressFromPublicKey } from '../../protocol/index.ts';
import { rememberedEndpointOf } from './rendezvous.ts';

test('a remembered endpoint is used only when it is a valid onion address with a finite time', () => {
  const onion = onionAddressFromPublicKey(new Uint8Array(32).fill(9));
  assert.deepEqual(rememberedEndpointOf({ onion, seenAt: 1_700_000_000_000 }), { onion, seenAt: 1_700_000_000_000 });
  const flipped = `${onion[0] === 'a' ? 'b' : 'a'}${onion.slice(1)}`;
  for (const bad of [undefined, null, 'x', 7, {}, { onion }, { onion, seenAt: Number.NaN }, { onion, seenAt: '1' },
    { onion: flipped, seenAt: 1 }, { onion: 'example.com', seenAt: 1 }, { onion: 5, seenAt: 1 }]) {
    assert.equal(rememberedEndpointOf(bad), null, JSON.stringify(bad));
  }
});
