// Network flags of the console and the browser host (docs/ARCHITECTURE.md "Network settings"):
// what they store in the profile, and the coded refusal of a bad one before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onionAddressFromPublicKey } from '../../protocol/index.ts';
import { parseConsoleOptions } from './options.ts';
import { parseHostOptions } from '../host/options.ts';

const onion = onionAddressFromPublicKey(new Uint8Array(32).fill(7));
const id = onion.slice(0, -'.onion'.length);

test('console: --tor and repeated --gateway become one change of the profile\'s network settings', () => {
  const o = parseConsoleOptions(['--tor', 'system', '--gateway', `${id}.onion`, '--gateway', `http://${id}.onion:9001/`], {}, '/work');
  assert.equal(o.network, 'testbed');
  assert.deepEqual(o.networkChange, { tor: { kind: 'system' }, gateways: [`http://${onion}:80`, `http://${onion}:9001`] });
  assert.deepEqual(parseConsoleOptions(['--tor', 'bin/tor'], {}, '/work').networkChange, { tor: { kind: 'path', path: '/work/bin/tor' } });
  assert.equal(parseConsoleOptions([], {}, '/work').networkChange, null, 'no flag: the stored settings stay as they are');
  assert.equal(parseConsoleOptions(['--network', 'public'], {}, '/work').network, 'public');
});

test('console: a bad gateway, a duplicate or an unknown network is BAD_OPTION with the reason', () => {
  const typo = `${id.slice(0, 5)}${id[5] === 'a' ? 'b' : 'a'}${id.slice(6)}.onion`;
  assert.throws(() => parseConsoleOptions(['--gateway', typo], {}, '/w'), (e: Error & { code?: string }) => e.code === 'BAD_OPTION' && /typo.*BAD_CHECKSUM/.test(e.message));
  assert.throws(() => parseConsoleOptions(['--gateway', 'https://example.org'], {}, '/w'), { code: 'BAD_OPTION' });
  assert.throws(() => parseConsoleOptions(['--gateway', `${id}.onion`, '--gateway', `http://${id}.onion:80`], {}, '/w'), /already in the list/);
  assert.throws(() => parseConsoleOptions(['--network', 'tor'], {}, '/w'), { code: 'BAD_OPTION' });
  assert.throws(() => parseConsoleOptions(['--network', 'public', '--testbed', 'x.json'], {}, '/w'), { code: 'BAD_OPTION' });
  assert.throws(() => parseConsoleOptions(['--tor', ''], {}, '/w'), { code: 'BAD_OPTION' });
});

test('host: --network public and --no-testbed-gateways', () => {
  const d = parseHostOptions([], {}, '/w');
  assert.equal(d.network, 'testbed');
  assert.equal(d.testbedGateways, true);
  const o = parseHostOptions(['--network', 'public'], {}, '/w');
  assert.equal(o.network, 'public');
  assert.equal(parseHostOptions(['--no-testbed-gateways'], {}, '/w').testbedGateways, false);
  assert.throws(() => parseHostOptions(['--network', 'nope'], {}, '/w'), { code: 'BAD_OPTION' });
  assert.throws(() => parseHostOptions(['--network', 'public', '--testbed', 't.json'], {}, '/w'), { code: 'BAD_OPTION' });
});
