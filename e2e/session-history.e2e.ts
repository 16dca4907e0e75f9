// A session window over a long history in the real renderer behind the real browser host
// (docs/ARCHITECTURE.md "Renderer"): the log is virtualised (only rows on screen are in the DOM),
// opens on the newest message, pages older history in as the person scrolls to the top without
// moving the message they were reading, follows a new message only when they were at the bottom,
// and passes axe in both themes. One contact and 260 messages of one to four lines (rows of
// different heights), written through the core API (support/seeded-host.ts); no Tor needed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, newPersonContext } from './support/chromium.ts';
import { WAIT, eventually } from './support/eventually.ts';
import { checkScreen } from './support/screens.ts';
import { onLog, pageBack } from './support/session-log.ts';
import { startSeededHost, type SeededHost } from './support/seeded-host.ts';
import { wallClock } from './support/wall-time.ts';

const MESSAGES = 260;
/** The window's page of history (MessageList PAGE_SIZE). */
const PAGE = 50;
/** "message 7." then 0-3 more lines: the number ends with a period so "message 1." never matches 10. */
const body = (n: number): string => [`message ${n}.`, ...Array.from({ length: n % 4 }, () => `another line of message ${n}`)].join('\n');
/** The message that carries a link (in the newest page, a few rows above the bottom). */
const LINKED = MESSAGES - 5;
const LINK = `https://example.org/${LINKED}`;
const bodyOf = (n: number): string => (n === LINKED ? `${body(n)}\n${LINK}` : body(n));

let dir: string;
let seeded: SeededHost;
let browser: Browser;
let session: Page;
let log: Locator;
const recordWallTime = wallClock(import.meta.url);

/** Where row `n` sits in the log: its top relative to the log's top, or null when it is not in the DOM. */
async function rowTop(n: number): Promise<number | null> {
  const out = await onLog(session, `(el) => {
    const a = [...el.querySelectorAll('article')].find((x) => x.textContent.includes('message ${n}.'));
    return a ? a.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  }`);
  return typeof out === 'number' ? out : null;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sotto-e2e-history-'));
  seeded = await startSeededHost({ dir, contacts: 1, messages: 0 });
  for (let n = 1; n <= MESSAGES; n++) await seeded.core.sendMessage({ contactId: seeded.busy.id, body: bodyOf(n) });
  browser = await launchChromium();
  const person = await newPersonContext(browser, seeded.host.origin);
  const main = await person.context.newPage();
  await main.goto(seeded.host.url);
  await main.getByRole('listbox', { name: 'Contacts' }).getByRole('option').first().waitFor({ timeout: WAIT.ui });
  // The session window as the renderer opens one (window.open on its route, the token in the
  // copied sessionStorage).
  const popup = person.context.waitForEvent('page', { timeout: WAIT.ui });
  await main.evaluate(`window.open(location.origin + '/${seeded.busy.route}', 'sotto-session-history')`);
  session = await popup;
  log = session.getByRole('log', { name: 'Messages' });
});

after(async () => {
  await browser?.close();
  await seeded?.close();
  rmSync(dir, { recursive: true, force: true });
  recordWallTime();
});

test('the window opens on the newest message with only the rows on screen in the DOM', async () => {
  const newest = log.getByRole('article').filter({ hasText: `message ${MESSAGES}.` });
  await newest.waitFor({ timeout: WAIT.ui });
  await eventually('the newest message is in view at the bottom of the log', async () => {
    const box = await log.boundingBox();
    const row = await newest.boundingBox();
    assert.ok(box && row, 'log and row are laid out');
    assert.ok(row.y >= box.y && row.y + row.height <= box.y + box.height + 1, `row ${row.y}+${row.height} within log ${box.y}+${box.height}`);
  }, WAIT.ui);
  const rendered = await log.getByRole('article').count();
  assert.ok(rendered > 3 && rendered < PAGE, `virtualised: ${rendered} of the first ${PAGE} messages in the DOM`);
});

test('a focused link keeps its focus when its message is scrolled out of view, and End brings the view back to it', async () => {
  const link = log.getByRole('link', { name: LINK });
  await link.focus();
  const focused = (): Promise<unknown> => session.evaluate('document.activeElement && document.activeElement.textContent');
  assert.equal(await focused(), LINK);
  // Away from the bottom, short of the top (which would page older history in).
  await onLog(session, '(el) => { el.scrollTop = Math.floor(el.scrollHeight / 3); }');
  await eventually('the rows next to the linked message are no longer drawn', async () => {
    assert.equal(await log.getByRole('article').filter({ hasText: `message ${LINKED - 1}.` }).count(), 0);
  }, WAIT.ui);
  assert.equal(await focused(), LINK, 'focus stayed on the link (its message is still in the DOM)');
  await session.keyboard.press('End');
  await eventually('the linked message is back in view', async () => {
    const box = await log.boundingBox();
    const row = await link.boundingBox();
    assert.ok(box && row && row.y >= box.y && row.y + row.height <= box.y + box.height + 1, 'the link is on screen');
  }, WAIT.ui);
  assert.equal(await focused(), LINK);
  await log.focus();
});

test('scrolling to the top pages the whole history in, each page without moving the message being read', async () => {
  const pages: { anchor: string; before: number; after: number }[] = [];
  while (!await session.getByText('Start of your conversation').isVisible()) {
    assert.ok(pages.length < Math.ceil(MESSAGES / PAGE), `at most ${Math.ceil(MESSAGES / PAGE) - 1} pages back (${pages.length} so far)`);
    const r = await pageBack(session);
    assert.ok(r !== null, 'a page was asked for and shown within 30 s');
    assert.ok(r.anchor !== null && r.before !== null, 'a message was on screen at the top');
    assert.ok(r.after !== null, `message ${r.anchor} is still drawn after the page came in`);
    pages.push({ anchor: r.anchor, before: r.before, after: r.after });
  }
  for (const p of pages) assert.ok(Math.abs(p.after - p.before) <= 2, `"${p.anchor}" stayed in place: ${p.before} -> ${p.after} px`);
  assert.equal(pages.length, Math.ceil((MESSAGES - PAGE) / PAGE), 'one page back per scroll to the top');
  // The oldest message is there, under the start line.
  await onLog(session, '(el) => { el.scrollTop = 0; }');
  await log.getByRole('article').filter({ hasText: 'message 1.' }).waitFor({ timeout: WAIT.ui });
});

test('a new message is followed only when the reader is at the bottom', async () => {
  const composer = session.getByRole('textbox', { name: 'Message' });
  const send = async (text: string): Promise<void> => {
    await composer.fill(text);
    await composer.press('Enter');
    await eventually('the composer is cleared (the message was taken)', async () => assert.equal(await composer.inputValue(), ''), WAIT.ui);
  };
  // Reading old messages: a message written now does not pull the view down.
  const reading = await rowTop(1);
  assert.notEqual(reading, null, 'the oldest message is on screen');
  await send('written while reading.');
  await session.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  assert.equal(await rowTop(1), reading, 'the view stayed on the oldest message');

  // Back to the newest with the keyboard, as the log is meant to be used without a mouse.
  await log.focus();
  await session.keyboard.press('End');
  await log.getByRole('article').filter({ hasText: 'written while reading.' }).waitFor({ timeout: WAIT.ui });
  await send('written at the bottom.');
  const latest = log.getByRole('article').filter({ hasText: 'written at the bottom.' });
  await eventually('the new message is followed into view', async () => {
    const box = await log.boundingBox();
    const row = await latest.boundingBox();
    assert.ok(box && row, 'log and row are laid out');
    assert.ok(row.y + row.height <= box.y + box.height + 1 && row.y >= box.y, `row ${row.y}+${row.height} within log ${box.y}+${box.height}`);
  }, WAIT.ui);
});

test('the session window with a long history: axe finds nothing serious in either theme (screenshots saved)', async () => {
  assert.deepEqual(await checkScreen(session, 'session-history'), []);
});
