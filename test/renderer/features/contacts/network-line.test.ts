import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkLine } from '../../../../src/renderer/features/contacts/NetworkStatus.tsx';

test('the network line counts the gateways once the network settings are read', () => {
  const connected = { ready: true, progress: 100 };
  assert.equal(networkLine(connected), 'Tor: connected');
  assert.equal(networkLine(connected, 3), 'Tor: connected · 3 gateways');
  assert.equal(networkLine(connected, 1), 'Tor: connected · 1 gateway');
  assert.equal(networkLine(connected, 0), 'Tor: connected · no gateways');
  assert.equal(networkLine({ ready: false, progress: 12.4 }, 2), 'Tor: connecting… 12% · 2 gateways');
});
