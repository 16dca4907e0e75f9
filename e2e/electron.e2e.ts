// The Electron shell end to end (docs/ARCHITECTURE.md "Electron shell"), with playwright-core's
// `_electron` where an Electron runtime exists. None can exist where this repo is developed (the
// Electron binary download is refused), so there the test is skipped and says why; the shell's
// logic is covered by src/shell/*.test.ts with Electron passed in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { electronBinary } from '../scripts/electron-binary.mjs';

const root = new URL('../', import.meta.url).pathname;

const binary = electronBinary();
const main = join(root, 'dist', 'electron.main.js');
const skip = !binary
  ? 'no Electron runtime here (node_modules/electron has no downloaded binary: its download is refused on this machine); the shell is covered by src/shell/*.test.ts with Electron passed in'
  : !existsSync(main) ? 'no bundled main process (dist/electron.main.js): build the desktop bundle first' : false;

test('Electron: a sandboxed, isolated window on app://sotto whose only bridge is window.sotto', { skip }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'sotto-e2e-electron-'));
  const app = await _electron.launch({
    executablePath: binary!,
    args: [main],
    env: { ...process.env, SOTTO_HOME: home, ...(process.env.SOTTO_TESTBED ? { SOTTO_TESTBED: process.env.SOTTO_TESTBED } : {}) },
  });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    assert.match(win.url(), /^app:\/\/sotto\/index\.html#\//);
    const page = await win.evaluate(async () => {
      const w = globalThis as unknown as { sotto?: Record<string, unknown>; process?: unknown; require?: unknown };
      const status = await (w.sotto!.status as () => Promise<{ ok: boolean }>)();
      return { hasApi: typeof w.sotto?.sendMessage === 'function', node: typeof w.process !== 'undefined' || typeof w.require !== 'undefined', ok: status.ok, send: 'send' in (w.sotto ?? {}) };
    });
    assert.deepEqual(page, { hasApi: true, node: false, ok: true, send: false });
    // The renderer cannot reach Node even through the preload's globals.
    assert.equal(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
