// electron-builder.yml cannot be built here (no Electron download), so it is checked the way
// electron-builder itself checks it before a build: read with its YAML loader and validated by its
// own validateConfiguration against the scheme.json it ships (docs/ARCHITECTURE.md "Packaging").
// A broken copy must fail the same check, and what the issue asks of the config is asserted on top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = createRequire(fromBuilder.resolve('app-builder-lib'))('js-yaml') as { load(text: string): unknown };

const text = readFileSync(`${root}electron-builder.yml`, 'utf8');

function load(source: string): Record<string, unknown> {
  const config = yaml.load(source);
  assert.ok(typeof config === 'object' && config !== null && !Array.isArray(config));
  return { ...config };
}

function section(config: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = config[key];
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), key);
  return { ...value };
}

test('electron-builder.yml passes electron-builder\'s own schema validation', async () => {
  await validateConfiguration(load(text), new DebugLogger(false));
});

test('a broken copy fails the same validation', async () => {
  const broken = [
    text.replace('runAsNode: false', 'runAsNod: false'), // unknown fuse
    text.replace('hardenedRuntime: true', 'hardenedRuntime: [yes]'), // wrong type
    `${text}\nnotAnOption: 1\n`, // unknown top-level key
  ];
  for (const copy of broken) {
    assert.notEqual(copy, text, 'the breaking edit applied');
    await assert.rejects(validateConfiguration(load(copy), new DebugLogger(false)), /Invalid configuration object/);
  }
});

test('targets, fuses, protocol, bundled files and tor resources are as the issue asks', () => {
  const config = load(text);
  assert.deepEqual(section(config, 'linux').target, ['AppImage', 'deb']);
  assert.deepEqual(section(config, 'win').target, ['nsis']);
  const mac = section(config, 'mac');
  assert.deepEqual(mac.target, ['dmg']);
  assert.equal(mac.hardenedRuntime, true);
  assert.match(readFileSync(`${root}${String(mac.entitlements)}`, 'utf8'), /com\.apple\.security\.cs\.allow-jit/);
  assert.equal(config.asar, true);
  assert.deepEqual(config.files, ['dist/**/*', 'package.json', '!**/*.map'], 'only built output, nothing from src/');
  assert.deepEqual(section(config, 'electronFuses'), {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
  assert.deepEqual(config.protocols, [{ name: 'Sotto invitation', schemes: ['sotto'] }]);
  // src/main/tor/binary.ts looks in <resources>/tor/<process.platform>-<process.arch>/.
  for (const [key, platform] of [['linux', 'linux'], ['win', 'win32'], ['mac', 'darwin']] as const) {
    assert.deepEqual(section(config, key).extraResources, [
      { from: `resources/tor/${platform}-\${arch}`, to: `tor/${platform}-\${arch}`, filter: ['**/*'] },
    ], key);
  }
});

test('icons exist at every size the targets use', () => {
  const config = load(text);
  const pngSize = (path: string): number => {
    const png = readFileSync(path);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', path);
    const width = png.readUInt32BE(16);
    assert.equal(png.readUInt32BE(20), width, `${path} is square`);
    return width;
  };
  const linuxDir = `${root}${String(section(config, 'linux').icon)}`;
  const linux = readdirSync(linuxDir).filter((f) => f.endsWith('.png')).sort((a, b) => parseInt(a) - parseInt(b));
  assert.deepEqual(linux, ['16x16.png', '24x24.png', '32x32.png', '48x48.png', '64x64.png', '128x128.png', '256x256.png', '512x512.png', '1024x1024.png']);
  for (const f of linux) assert.equal(pngSize(`${linuxDir}/${f}`), parseInt(f), f);
  assert.equal(pngSize(`${root}assets/icon.png`), 1024);

  const ico = readFileSync(`${root}${String(section(config, 'win').icon)}`);
  assert.equal(ico.readUInt16LE(2), 1, 'ICO type icon');
  const icoSizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
  assert.deepEqual(icoSizes, [16, 24, 32, 48, 64, 128, 256]);

  const icnsPath = `${root}${String(section(config, 'mac').icon)}`;
  assert.ok(existsSync(icnsPath));
  const icns = readFileSync(icnsPath);
  assert.equal(icns.subarray(0, 4).toString('latin1'), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const types: string[] = [];
  for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.subarray(at, at + 4).toString('latin1'));
  for (const t of ['icp4', 'icp5', 'ic07', 'ic08', 'ic09', 'ic10']) assert.ok(types.includes(t), t);
});
