// Renderer benchmark (issue 8): the real renderer build in Debian's Chromium behind the real
// browser host, on a profile seeded through the core API (e2e/support/seeded-host.ts: 500
// contacts from sealed invitations, 10,000 messages to one of them; loopback services, no Tor:
// nothing here needs the network). Needs `npm run build:renderer` first. Prints p50/p95 over runs
// and ratios against floors measured in the same run; never asserts. Rows:
//   1. cold start: new browser context -> main window interactive with 500 contacts listed,
//      vs. a fresh context loading a static file from the same host (floor);
//   2. 500-contact list: frame times while scrolling it, vs. idle frames of the same page (floor);
//   3. session window with 10,000 messages: first page shown, then pages back by scrolling up
//      (all of them, or as many as fit in 90 s), and frame times while scrolling, vs. idle frames;
//   4. renderer JS heap (CDP, after a forced GC): main window with 500 contacts, session window
//      with the messages paged in, vs. the heap of a page without the app (floor);
//   5. e2e wall time per spec file, as the last e2e run recorded it (e2e/artifacts/wall-times.json).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPersonContext } from '../e2e/support/chromium.ts';
import { REPO_ROOT } from '../e2e/support/host-process.ts';
import { ARTIFACTS_DIR } from '../e2e/support/screens.ts';
import { startSeededHost, type SeededHost } from '../e2e/support/seeded-host.ts';
import { pageBack } from '../e2e/support/session-log.ts';

const RUNS = 7;
const CONTACTS = 500;
const MESSAGES = 10_000;
const PAGING_BUDGET_MS = 90_000;
/** The session window's page (MessageList PAGE_SIZE). */
const PAGE_SIZE = 50;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const p50 = (xs: number[]): number => quantile(xs, 0.5);
const p95 = (xs: number[]): number => quantile(xs, 0.95);
const f = (x: number, unit = 'ms'): string => `${x.toFixed(1)} ${unit}`;
function row(name: string, xs: number[], floor: number[] | null, unit = 'ms'): void {
  const ratio = floor ? `  x${(p50(xs) / p50(floor)).toFixed(1)} of floor p50 ${f(p50(floor), unit)}` : '';
  console.log(`${name.padEnd(52)} p50 ${f(p50(xs), unit).padStart(10)}  p95 ${f(p95(xs), unit).padStart(10)}  (n=${xs.length})${ratio}`);
}

/** rAF timestamps over `frames` frames; with `scroll`, the element scrolls `step` px per frame. */
const FRAME_TIMES = `async ({ selector, frames, step }) => {
  const el = selector ? document.querySelector(selector) : null;
  const times = [];
  await new Promise((done) => {
    const tick = (t) => {
      times.push(t);
      if (el) el.scrollTop += step;
      if (times.length > frames) done(); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return times.slice(1).map((t, i) => t - times[i]);
}`;

async function frameTimes(page: Page, selector: string | null, frames: number, step: number): Promise<number[]> {
  const fn = `(${FRAME_TIMES})(${JSON.stringify({ selector, frames, step })})`;
  const out: unknown = await page.evaluate(fn);
  return Array.isArray(out) ? out.filter((x): x is number => typeof x === 'number') : [];
}

async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / (1024 * 1024);
}

if (!existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) {
  console.log('skipped: the renderer is not built (npm run build:renderer)');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'sotto-renderer-bench-'));
let seeded: SeededHost | null = null;
let browser: Browser | null = null;
try {
  const t0 = performance.now();
  seeded = await startSeededHost({ dir, contacts: CONTACTS, messages: MESSAGES });
  console.log(`seeded ${CONTACTS} contacts and ${MESSAGES} messages through the core API in ${f(performance.now() - t0)}`);
  browser = await launchChromium();
  const { host, busy } = seeded;

  // 1. cold start vs. a static file from the same host, each in a fresh context.
  const cold: number[] = [];
  const blank: number[] = [];
  const blankHeap: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const floorCtx = await newPersonContext(browser, host.origin);
    const floorPage = await floorCtx.context.newPage();
    let t = performance.now();
    await floorPage.goto(`${host.origin}/favicon.svg`);
    blank.push(performance.now() - t);
    blankHeap.push(await heapMiB(floorPage));
    await floorCtx.context.close();

    const ctx = await newPersonContext(browser, host.origin);
    const page = await ctx.context.newPage();
    t = performance.now();
    await page.goto(host.url);
    await page.getByRole('listbox', { name: 'Contacts' }).getByRole('option').first().waitFor();
    cold.push(performance.now() - t);
    await ctx.context.close();
  }

  // 2-4 in one window: the list, then the session window on the same token.
  const ctx = await newPersonContext(browser, host.origin);
  const page = await ctx.context.newPage();
  await page.goto(host.url);
  await page.getByRole('listbox', { name: 'Contacts' }).getByRole('option').first().waitFor();
  const idle = await frameTimes(page, null, 120, 0);
  const listScroll = await frameTimes(page, '[role="listbox"]', 240, 120);
  const mainHeap = await heapMiB(page);

  // A session window as the renderer opens one (window.open on its route; the token travels in
  // the copied sessionStorage).
  const popup = ctx.context.waitForEvent('page');
  let t = performance.now();
  await page.evaluate(`window.open(location.origin + '/${busy.route}', 'sotto-session-bench')`);
  const session = await popup;
  await session.getByRole('log', { name: 'Messages' }).getByRole('article').last().waitFor();
  const firstPage = performance.now() - t;
  t = performance.now();
  const pageTimes: number[] = [];
  // Bounded: past the budget the row says how far it got. The log is virtualised, so a page is
  // counted by the log's own busy state (e2e/support/session-log.ts), not by rows in the DOM.
  const budgetEnds = performance.now() + PAGING_BUDGET_MS;
  let pagedIn = PAGE_SIZE;
  while (performance.now() < budgetEnds) {
    if (await session.getByText('Start of your conversation').isVisible()) { pagedIn = MESSAGES; break; }
    const t1 = performance.now();
    if (await pageBack(session) === null) break;
    pageTimes.push(performance.now() - t1);
    pagedIn = Math.min(MESSAGES, pagedIn + PAGE_SIZE);
  }
  const allPages = performance.now() - t;
  const sessionIdle = await frameTimes(session, null, 120, 0);
  const sessionScroll = await frameTimes(session, '[role="log"]', 240, 400);
  const sessionHeap = await heapMiB(session);

  console.log(`renderer bench: ${RUNS} runs, ${CONTACTS} contacts, ${MESSAGES} messages (Chromium headless, 1280x800)`);
  row('1. cold start -> 500 contacts interactive', cold, blank);
  row('2. 500-contact list: scroll frame time', listScroll, idle);
  row('3. session window: first page shown', [firstPage], blank);
  row(`3. session window: one page back (of ${pageTimes.length})`, pageTimes, blank);
  console.log(`3. session window: ${pagedIn} of ${MESSAGES} messages paged in ${f(allPages)}${pagedIn < MESSAGES ? ` (stopped at the ${PAGING_BUDGET_MS / 1000} s budget)` : ''}`);
  row('3. session window (as paged in): scroll frame time', sessionScroll, sessionIdle);
  row('4. heap: main window, 500 contacts', [mainHeap], blankHeap, 'MiB');
  row(`4. heap: session window, ${pagedIn} messages`, [sessionHeap], blankHeap, 'MiB');
  const wallFile = join(ARTIFACTS_DIR, 'wall-times.json');
  if (existsSync(wallFile)) {
    const walls: unknown = JSON.parse(readFileSync(wallFile, 'utf8'));
    console.log(`5. e2e wall time (last e2e run, ${wallFile}): ${JSON.stringify(walls)}`);
  } else {
    console.log('5. e2e wall time: no e2e run recorded yet (npm run e2e writes e2e/artifacts/wall-times.json)');
  }
} finally {
  await browser?.close();
  await seeded?.close();
  rmSync(dir, { recursive: true, force: true });
}
