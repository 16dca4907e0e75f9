// Keyboard-only driving: Tab moves focus until the wanted control has it (the tab order must reach
// it within a bound), then keys act on it. No click, no fill.
import type { Locator, Page } from 'playwright-core';

const MAX_TABS = 40;

export async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === el.ownerDocument.activeElement || el.contains(el.ownerDocument.activeElement));
}

/** Presses Tab (or Shift+Tab) until `target` has focus; throws after MAX_TABS presses. */
export async function tabTo(page: Page, target: Locator, o: { backwards?: boolean } = {}): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < MAX_TABS; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(o.backwards ? 'Shift+Tab' : 'Tab');
  }
  if (await isFocused(target)) return;
  throw new Error(`keyboard: ${String(target)} not reached within ${MAX_TABS} Tab presses`);
}

export async function typeInto(page: Page, target: Locator, text: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.type(text);
}

export async function activate(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key);
}
