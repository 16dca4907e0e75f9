import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundlePaths, secureWindowOptions } from './electron.main.ts';

test('every window is isolated and sandboxed', () => {
  const o = secureWindowOptions('/x/preload.js');
  assert.equal(o.webPreferences?.contextIsolation, true);
  assert.equal(o.webPreferences?.sandbox, true);
  assert.equal(o.webPreferences?.nodeIntegration, false);
  assert.equal(o.webPreferences?.webviewTag, false);
});

test('importing the entry point outside Electron starts nothing; the bundle finds its parts next to it', () => {
  assert.equal(process.versions.electron, undefined);
  assert.deepEqual(bundlePaths('/app/dist/electron.main.js'), { preloadPath: '/app/dist/preload.cjs', staticDir: '/app/dist/renderer' });
});
