// Accessibility checks of every screen the end-to-end tests look at: axe-core (Deque's engine, the one
// browser devtools and CI tools use) runs in the page itself. A serious or critical violation fails the
// step with the rule, the elements and axe's help text. The notebook's own page is Jupyter's and is
// left out (it is another origin inside the frame); ClassLab's own screens are all checked.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** The serious and critical violations on the page as it is now (the notebook frame's inside excluded). */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object');
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly refuses an inline
  // script tag, and the test must not weaken it.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
    const result = await axe.run({ exclude: [['iframe[title^="Notebook for"]']] }, { iframes: false, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
  });
}

/** Fails with every serious or critical violation of the screen, named by the screenshot it goes with. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const found = await accessibilityViolations(page);
  if (found.length === 0) return;
  const lines = found.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
  throw new Error(`Accessibility (axe-core) on screen "${screen}":\n${lines.join('\n')}`);
}
