// deploy/sotto-gateway.service read as systemd reads it (sections, repeated keys, %S), so a
// careless edit cannot drop a hardening line or pass the CLI a flag it refuses
// (docs/GATEWAY.md "Running it as a service"). `systemd-analyze verify` is run by hand where present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGatewayArgs } from './cli-args.ts';

type Unit = Map<string, Map<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1] ?? '', section);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(section && eq > 0, `not a key=value line inside a section: ${line}`);
    const key = line.slice(0, eq);
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1)]);
  }
  return unit;
}

const unit = parseUnit(readFileSync(fileURLToPath(new URL('../../deploy/sotto-gateway.service', import.meta.url)), 'utf8'));
const service = unit.get('Service') ?? new Map<string, string[]>();
const one = (key: string): string | undefined => service.get(key)?.at(-1);

test('the unit has its three sections and starts the gateway with flags the CLI accepts', () => {
  assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
  const exec = one('ExecStart');
  assert.ok(exec);
  const argv = exec.split(/\s+/);
  const cli = argv.indexOf('src/gateway/cli.ts');
  assert.ok(cli > 0, 'runs src/gateway/cli.ts');
  const args = parseGatewayArgs(argv.slice(cli + 1));
  assert.equal(args.onion, true);
  assert.equal(args.host, '127.0.0.1', 'the API listens on loopback; only the onion reaches it');
  assert.equal(args.bootstrap, undefined, 'the public HyperDHT');
  assert.ok(args.monitorPort > 0, 'a fixed monitor port for Prometheus');
  assert.equal(args.torDataDir, `%S/${one('StateDirectory')}/tor`, 'the onion key lives in the state directory');
});

test('hardening lines are present', () => {
  const expected: Record<string, string> = {
    DynamicUser: 'yes', NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes',
    PrivateDevices: 'yes', StateDirectoryMode: '0700', UMask: '0077', CapabilityBoundingSet: '', RestrictSUIDSGID: 'yes',
    ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectControlGroups: 'yes', LockPersonality: 'yes',
    RestrictNamespaces: 'yes', SystemCallArchitectures: 'native',
  };
  for (const [key, value] of Object.entries(expected)) assert.equal(one(key), value, key);
  assert.ok(one('StateDirectory'));
  assert.match(one('MemoryMax') ?? '', /^\d+[KMG]$/);
  assert.deepEqual(service.get('SystemCallFilter'), ['@system-service', '~@privileged']);
  const families = (one('RestrictAddressFamilies') ?? '').split(' ').sort();
  assert.deepEqual(families, ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
  // V8's JIT needs writable executable memory: this line would make the service crash at start.
  assert.equal(service.has('MemoryDenyWriteExecute'), false);
});
