// Which network the desktop app opens its profile on (electron.main.ts passes app.isPackaged and
// SOTTO_TESTBED): only an installed app without a testbed goes to the public network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desktopNetwork } from './profile-host.ts';

test('an installed app runs on the public network; a development run or a given testbed on the testbed', () => {
  assert.equal(desktopNetwork({ packaged: true, testbedPath: null }), 'public');
  assert.equal(desktopNetwork({ packaged: true, testbedPath: '/tmp/tb/testbed.json' }), 'testbed');
  assert.equal(desktopNetwork({ packaged: false, testbedPath: null }), 'testbed');
});
