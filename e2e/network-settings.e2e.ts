// Network settings as a person meets them (issue 13 item 1): a host on the testbed that gives the
// profile no gateway of its own (`--no-testbed-gateways`: only the private Tor network's lines),
// a profile created through onboarding, then the testbed's two gateway onions typed into
// Settings > Network in Chromium. A typo is refused in words and nothing changes; the saved list
// is used at once and each gateway shows that the app reached it through tor. axe on the screen.
// The whole invite-and-chat run over typed gateways is src/main/host/network-settings.int.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium.ts';
import { WAIT } from './support/eventually.ts';
import { Person } from './support/person.ts';
import { checkScreen } from './support/screens.ts';
import { testbedPath } from './support/testbed.ts';
import { wallClock } from './support/wall-time.ts';

let browser: Browser;
let dir: string;
let ada: Person;
let onions: string[];
const recordWallTime = wallClock(import.meta.url);

before(async () => {
  const testbed = testbedPath();
  onions = (JSON.parse(readFileSync(testbed, 'utf8')) as { gateways: { onion: string }[] }).gateways.map((g) => g.onion);
  dir = mkdtempSync(join(tmpdir(), 'sotto-e2e-net-'));
  browser = await launchChromium();
  ada = await Person.start(browser, { name: 'Ada', passphrase: 'ada keeps her lanterns by the old mill', dir, testbed, hostArgs: ['--no-testbed-gateways'] });
  await ada.createProfile();
});

after(async () => {
  await ada?.stop();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
  recordWallTime();
});

test('typing gateways into Settings > Network: a typo is refused, the saved ones are reached through tor', { timeout: 300_000 }, async () => {
  const settings = await ada.openToolbarDialog('Settings');
  await settings.getByText('No gateway yet').waitFor({ timeout: WAIT.ui });
  const box = settings.getByRole('textbox', { name: 'Gateways' });
  const id = onions[1]!.slice(0, 56);
  const typo = `http://${id.slice(0, 9)}${id[9] === 'a' ? 'b' : 'a'}${id.slice(10)}.onion`;
  await box.fill(`http://${onions[0]}\n${typo}`);
  await settings.getByRole('button', { name: 'Save network settings' }).click();
  await settings.getByRole('alert').filter({ hasText: 'Line 2: This .onion address has a typo' }).waitFor({ timeout: WAIT.ui });
  assert.equal(await settings.getByRole('list', { name: 'Gateway health' }).count(), 0, 'nothing was saved');

  await box.fill(`http://${onions[0]}\n${onions[1]}`);
  await settings.getByRole('button', { name: 'Save network settings' }).click();
  await settings.getByText('Saved.').first().waitFor({ timeout: WAIT.ui });
  const health = settings.getByRole('list', { name: 'Gateway health' });
  assert.equal(await health.getByRole('listitem').count(), 2);
  // The registry writes its slots through the new list at once; each write reports its gateway.
  await health.getByRole('listitem').filter({ hasText: 'reached at' }).first().waitFor({ timeout: WAIT.network });
  assert.deepEqual(await checkScreen(ada.main, 'settings-network'), []);
});
