// The gateway list check the onboarding step, Settings › Network and the host share
// (src/ipc/network.ts): every bad line with its code and words, the first one refuses the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onionAddressFromPublicKey, ready } from '../protocol/index.ts';
import { MAX_CONFIGURED_GATEWAYS, checkGatewayList, gatewayListProblems } from './network.ts';

const onion = (seed: number): string => onionAddressFromPublicKey(new Uint8Array(32).map((_, i) => (i * 3 + seed) & 255));

test('every bad line is listed with its code and words; blank lines are skipped; the list check refuses on the first', async () => {
  await ready();
  const good = onion(1);
  const typo = `${good.slice(0, 10)}${good[10] === 'a' ? 'b' : 'a'}${good.slice(11)}`;
  const typed = [` http://${good} `, '', `http://${typo}`, 'http://example.org', `${good}:80`, `http://${onion(2)}:70000`];
  assert.deepEqual(gatewayListProblems(typed).map((p) => [p.index, p.code]), [[2, 'BAD_CHECKSUM'], [3, 'BAD_ENCODING'], [4, 'DUPLICATE'], [5, 'OUT_OF_RANGE']]);
  assert.match(gatewayListProblems(typed)[0]!.reason, /typo/);
  assert.deepEqual(checkGatewayList(typed), { ok: false, ...gatewayListProblems(typed)[0]! });
  assert.deepEqual(checkGatewayList(typed.slice(0, 2)), { ok: true, urls: [`http://${good}:80`] });
});

test('past the limit each extra line is TOO_MANY', async () => {
  await ready();
  const typed = Array.from({ length: MAX_CONFIGURED_GATEWAYS + 2 }, (_, i) => onion(10 + i));
  assert.deepEqual(gatewayListProblems(typed).map((p) => [p.index, p.code]), [[8, 'TOO_MANY'], [9, 'TOO_MANY']]);
  assert.equal(checkGatewayList(typed.slice(0, MAX_CONFIGURED_GATEWAYS)).ok, true);
});
