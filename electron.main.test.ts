import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secureWindowOptions } from './electron.main.ts';

test('every window is isolated and sandboxed', () => {
  const o = secureWindowOptions('/x/preload.js');
  assert.equal(o.webPreferences?.contextIsolation, true);
  assert.equal(o.webPreferences?.sandbox, true);
  assert.equal(o.webPreferences?.nodeIntegration, false);
});
