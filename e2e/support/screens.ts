// Every main screen is checked by axe-core and photographed in both themes at 1280x800 (the
// viewport of every context, support/chromium.ts). The theme follows prefers-color-scheme until
// the user picks one, so emulating the media feature switches it as the OS would.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './host-process.ts';

export const ARTIFACTS_DIR = join(REPO_ROOT, 'e2e', 'artifacts');

export interface AxeFinding { theme: string; id: string; impact: string; help: string; targets: string[] }

/**
 * Runs axe on the page in light and dark, saves `<name>-light.png` / `<name>-dark.png`, and returns
 * the serious and critical violations (an empty list is what a test asserts).
 */
export async function checkScreen(page: Page, name: string): Promise<AxeFinding[]> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const findings: AxeFinding[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    // One frame so the new colours are painted before the screenshot and the contrast check.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-${theme}.png`) });
    const result = await new AxeBuilder({ page }).analyze();
    for (const v of result.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      findings.push({ theme, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) });
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return findings;
}
