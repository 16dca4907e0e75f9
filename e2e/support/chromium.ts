// Debian's Chromium driven by playwright-core (`npx playwright install` cannot work on these
// machines, docs/ARCHITECTURE.md "End-to-end tests"). One browser per spec file, one context per
// person: a context has its own storage, so A's, B's and C's windows never share a token.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SOTTO_CHROMIUM ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 } as const;

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/** A notification the page asked the browser to show (recorded, then shown as usual). */
export interface ShownNotification { title: string; body: string; url: string }

/**
 * Wraps window.Notification in every page of the context so that each notification is reported
 * to the test and then constructed by the real API, unchanged. Reporting goes through an exposed
 * binding, so session windows opened later report too.
 */
const RECORD_NOTIFICATIONS = `(() => {
  const Native = window.Notification;
  if (typeof Native !== 'function') return;
  const report = window.__sottoNotified;
  class Recorded extends Native {
    constructor(title, options) {
      super(title, options);
      try { report({ title: String(title), body: String((options && options.body) || '') }); } catch {}
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  Recorded.requestPermission = (...args) => Native.requestPermission(...args);
  window.Notification = Recorded;
})();`;

export interface PersonContext {
  context: BrowserContext;
  notifications: ShownNotification[];
}

export async function newPersonContext(browser: Browser, origin: string, colorScheme: 'light' | 'dark' = 'light'): Promise<PersonContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme });
  await context.grantPermissions(['notifications'], { origin });
  const notifications: ShownNotification[] = [];
  await context.exposeBinding('__sottoNotified', ({ page }, n: { title: string; body: string }) => {
    notifications.push({ title: n.title, body: n.body, url: page.url() });
  });
  await context.addInitScript({ content: RECORD_NOTIFICATIONS });
  return { context, notifications };
}
