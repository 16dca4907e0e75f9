// The session window's message log as a reader scrolls it (features/session/MessageList.tsx). The
// log is virtualised, so "has the page come in" cannot be told by counting rows in the DOM; the
// log's own aria-busy says it: true while it asks for the older page, false once that is shown.
// Shared by e2e/session-history.e2e.ts and bench/renderer.bench.ts.
import type { Page } from 'playwright-core';
import { z } from 'zod';

/**
 * Runs `fn` (source text of a function of the log element) in the session window. Source text,
 * because this project's typecheck has no DOM types; called inside the string, because a string
 * given to evaluate is an expression, not a function to call.
 */
export function onLog(session: Page, fn: string): Promise<unknown> {
  return session.evaluate(`(${fn})(document.querySelector('[role="log"]'))`);
}

const PAGE_BACK = `(el) => new Promise((done) => {
  const top = (a) => a.getBoundingClientRect().top - el.getBoundingClientRect().top;
  const frames = (n, fn) => n === 0 ? fn() : requestAnimationFrame(() => frames(n - 1, fn));
  let asked = false;
  let anchor = null;
  let before = null;
  const finish = (result) => { watch.disconnect(); clearTimeout(timer); done(result); };
  // The anchor is the first message on screen when the request has gone out (aria-busy turned
  // true): that render is after the scroll, so it draws the rows at the top, and the answer, which
  // crosses the WebSocket, is not in yet. A frame taken right after the scroll may still show the
  // rows from before it on a slow machine (the virtualizer re-renders when React gets to it).
  const watch = new MutationObserver(() => {
    if (el.getAttribute('aria-busy') === 'true') {
      asked = true;
      anchor = [...el.querySelectorAll('article')].find((a) => top(a) + a.getBoundingClientRect().height > 0) ?? null;
      if (anchor) before = top(anchor);
      return;
    }
    if (!asked) return;
    frames(2, () => finish({ anchor: anchor && anchor.textContent, before, after: anchor && anchor.isConnected ? top(anchor) : null }));
  });
  const timer = setTimeout(() => finish(null), 30000);
  watch.observe(el, { attributes: true, attributeFilter: ['aria-busy'] });
  el.scrollTop = 0;
})`;

const pageBackSchema = z.object({ anchor: z.string().nullable(), before: z.number().nullable(), after: z.number().nullable() }).nullable();

/** What one page back did to the message that was first on screen when the top was reached. */
export interface PageBack {
  /** That message's text; null if no message was drawn at the top. */
  anchor: string | null;
  /** Its top relative to the log's top when the top was reached, and two frames after the page came in (null: no longer drawn). */
  before: number | null;
  after: number | null;
}

/**
 * Scrolls the log to the top as a reader would and waits, in the page so that nothing is missed,
 * for the page it asks for (aria-busy true, then false). Null when none came within 30 s.
 */
export async function pageBack(session: Page): Promise<PageBack | null> {
  return pageBackSchema.parse(await onLog(session, PAGE_BACK));
}
