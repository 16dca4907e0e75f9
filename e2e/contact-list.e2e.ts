// A profile with 500 contacts (sealed invitations from 500 generated identities, accepted through
// the core API: support/seeded-host.ts) in the real renderer behind the real browser host: the
// virtualised list holds all 500, search finds any of them, and the screen passes axe and is
// photographed in both themes (e2e/artifacts/contact-list-500-*.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPersonContext } from './support/chromium.ts';
import { WAIT } from './support/eventually.ts';
import { checkScreen } from './support/screens.ts';
import { personName, startSeededHost, type SeededHost } from './support/seeded-host.ts';
import { wallClock } from './support/wall-time.ts';

const CONTACTS = 500;
let dir: string;
let seeded: SeededHost;
let browser: Browser;
let page: Page;

const recordWallTime = wallClock(import.meta.url);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sotto-e2e-list-'));
  seeded = await startSeededHost({ dir, contacts: CONTACTS, messages: 0 });
  browser = await launchChromium();
  const person = await newPersonContext(browser, seeded.host.origin);
  page = await person.context.newPage();
  await page.goto(seeded.host.url);
});

after(async () => {
  await browser?.close();
  await seeded?.close();
  rmSync(dir, { recursive: true, force: true });
  recordWallTime();
});

test('500 contacts: the list knows all of them, renders only what fits, and search finds the last', async () => {
  const list = page.getByRole('listbox', { name: 'Contacts' });
  const first = list.getByRole('option').first();
  await first.waitFor({ timeout: WAIT.ui });
  assert.equal(await first.getAttribute('aria-setsize'), String(CONTACTS));
  const rendered = await list.getByRole('option').count();
  assert.ok(rendered > 5 && rendered < 100, `virtualised: ${rendered} rows in the DOM`);

  const last = personName(CONTACTS - 1);
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill(last);
  await list.getByRole('option', { name: new RegExp(`^${last}, offline`) }).waitFor({ timeout: WAIT.ui });
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill('');
  await list.getByRole('option').nth(5).waitFor({ timeout: WAIT.ui });
});

test('500 contacts: the active option stays in the DOM when the list is scrolled away from it, so aria-activedescendant names a node', async () => {
  const list = page.getByRole('listbox', { name: 'Contacts' });
  await list.focus();
  await page.keyboard.press('ArrowDown');
  const activeId = async (): Promise<string | null> => list.getAttribute('aria-activedescendant');
  const id = await activeId();
  assert.ok(id !== null && id.startsWith('contact-'), `an option is active: ${id}`);
  const activeName = await page.locator(`[id="${id}"]`).getAttribute('aria-label');
  await list.evaluate((el: { scrollTop: number; scrollHeight: number }) => { el.scrollTop = el.scrollHeight; });
  await list.locator(`[aria-posinset="${CONTACTS}"]`).waitFor({ timeout: WAIT.ui });
  assert.equal(await activeId(), id, 'still the same active option');
  assert.equal(await page.locator(`[id="${id}"]`).count(), 1, 'the option aria-activedescendant names is in the DOM');
  assert.equal(await page.locator(`[id="${id}"]`).getAttribute('aria-label'), activeName);
  const rendered = await list.getByRole('option').count();
  assert.ok(rendered < 100, `still virtualised: ${rendered} rows in the DOM`);
  await page.keyboard.press('Home');
});

test('500 contacts: axe finds nothing serious in either theme (screenshots saved)', async () => {
  const findings = await checkScreen(page, 'contact-list-500');
  assert.deepEqual(findings, []);
});
