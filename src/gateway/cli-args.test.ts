import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGatewayArgs, UsageError } from './cli-args.ts';

test('gateway flags parse strictly', () => {
  const opts = parseGatewayArgs(['--bootstrap', '127.0.0.1:4000, localhost:4001', '--port', '8080', '--onion', '--torrc', 'A 1', '--torrc', 'B 2']);
  assert.deepEqual(opts.bootstrap, ['127.0.0.1:4000', 'localhost:4001']);
  assert.equal(opts.port, 8080);
  assert.equal(opts.monitorPort, 0, 'monitor on a free loopback port unless one is given');
  assert.equal(parseGatewayArgs(['--monitor-port', '9478']).monitorPort, 9478);
  assert.equal(opts.host, '127.0.0.1');
  assert.equal(opts.onion, true);
  assert.deepEqual(opts.torrcLines, ['A 1', 'B 2']);
  assert.equal(parseGatewayArgs([]).bootstrap, undefined, 'no flag = the public HyperDHT');
  for (const bad of [['--port', '70000'], ['--port', '-1'], ['--bootstrap', 'nohost'], ['--bootstrap', ''], ['--onoin'], ['x'],
    ['--max-value-bytes', '5000'], ['--torrc', 'X 1'], ['--max-window', '0'], ['--monitor-port', '65536'], ['--monitor-port', 'x']]) {
    assert.throws(() => parseGatewayArgs(bad), UsageError, bad.join(' '));
  }
});
