// Accessibility audit with axe-core. Every state a page test photographs is audited first, in
// light, dark and forced colours (Windows high contrast): each moderate, serious or critical
// violation fails the test (moderate ones too, since every part of the page sits in a landmark).
// The counts of every run are printed at the end.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FAILING = new Set(['moderate', 'serious', 'critical']);

// Suppressions, each with its reason. A suppression drops matching nodes only, never a rule.
const SUPPRESSED = [
  {
    rule: 'aria-hidden-focus',
    selector: '[data-tabster-dummy]',
    // Fluent's focus manager (tabster) places an empty, aria-hidden <i tabindex=0> before and
    // after focus traps and groups. When it receives focus it hands focus on to the next real
    // control in the same event, so neither Tab nor a screen reader's virtual cursor ever rests
    // on it (it has no content to read); axe sees a focusable element inside aria-hidden.
    reason: "Fluent's focus-trap sentinels pass focus on at once and have no content",
  },
];

export const MODES = [
  { name: 'light', media: { colorScheme: 'light', forcedColors: 'none' }, theme: 'light' },
  { name: 'dark', media: { colorScheme: 'dark', forcedColors: 'none' }, theme: 'dark' },
  { name: 'forced colours', media: { colorScheme: 'light', forcedColors: 'active' }, theme: 'light' },
];

export const totals = { states: 0, runs: 0, failing: 0, moderate: 0, minor: 0, suppressed: 0, lesserRules: new Set() };

async function runAxe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (suppressed) => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    let dropped = 0;
    const violations = result.violations
      .map((violation) => {
        const rules = suppressed.filter((entry) => entry.rule === violation.id);
        const nodes = violation.nodes.filter((node) => {
          const element = document.querySelector(node.target.join(' '));
          const hidden = element && rules.some((entry) => element.matches(entry.selector));
          if (hidden) dropped += 1;
          return !hidden;
        });
        return { id: violation.id, impact: violation.impact, help: violation.help, nodes: nodes.map((node) => node.target.join(' ') + ' ' + node.failureSummary.split('\n').slice(1, 2).join('')) };
      })
      .filter((violation) => violation.nodes.length > 0);
    return { violations, dropped };
  }, SUPPRESSED.map(({ rule, selector }) => ({ rule, selector })));
}

/** Lets new colours paint and every finite transition end (spinners turn for ever: not waited for). */
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page
    .waitForFunction(
      () => document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity),
      null,
      { timeout: 3000 },
    )
    .catch(() => {});
}

/** Whether the app follows the system's light or dark setting (no explicit choice in Settings). */
async function followsSystem(page) {
  return page.evaluate(() => {
    try {
      return (window.localStorage.getItem('pfrm.theme') ?? 'system') === 'system';
    } catch {
      return true;
    }
  });
}

/**
 * Audits the page as it stands in each mode, then puts the media emulation back as it was.
 * Returns the serious and critical findings, each line naming the state and the mode.
 */
export async function audit(page, state) {
  totals.states += 1;
  const before = await page.evaluate(() => ({
    colorScheme: window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
    forcedColors: window.matchMedia('(forced-colors: active)').matches ? 'active' : 'none',
  }));
  const following = await followsSystem(page);
  const problems = [];
  // The fake backend's operations wait while the state is audited, so the test goes on from the
  // state it photographed.
  await page.evaluate(() => (window.pfrmMockHeld = true));
  try {
    for (const mode of MODES) {
      await page.emulateMedia(mode.media);
      if (following) await page.locator(`[data-theme="${mode.theme}"]`).first().waitFor();
      // Let the new colours paint and any transition settle before contrast is measured.
      await settle(page);
      let { violations, dropped } = await runAxe(page);
      // A page can still be changing as it is audited (a check that ends turns a disabled button
      // on, and its colour fades in while axe measures it). A finding is kept only when a second
      // audit, after the page settled again, makes it too.
      if (violations.some((violation) => FAILING.has(violation.impact))) {
        await page.waitForTimeout(500);
        await settle(page);
        ({ violations, dropped } = await runAxe(page));
      }
      totals.runs += 1;
      totals.suppressed += dropped;
      for (const violation of violations) {
        const count = violation.nodes.length;
        if (FAILING.has(violation.impact)) {
          totals.failing += count;
          problems.push(`${state} (${mode.name}): ${violation.impact} ${violation.id}: ${violation.help}\n  ${violation.nodes.slice(0, 4).join('\n  ')}`);
        } else {
          if (violation.impact === 'moderate') totals.moderate += count;
          else totals.minor += count;
          totals.lesserRules.add(violation.id);
        }
      }
    }
  } finally {
    await page.evaluate(() => (window.pfrmMockHeld = false));
    await page.emulateMedia(before);
    if (following) await page.locator(`[data-theme="${before.colorScheme}"]`).first().waitFor();
  }
  return problems;
}

export function summary() {
  return (
    `axe: ${totals.states} states × ${MODES.length} modes = ${totals.runs} runs; ` +
    `${totals.failing} serious or critical, ${totals.moderate} moderate, ${totals.minor} minor` +
    `${totals.lesserRules.size > 0 ? ` (${[...totals.lesserRules].join(', ')})` : ''}; ` +
    `${totals.suppressed} nodes suppressed (${SUPPRESSED.map((entry) => `${entry.rule} on ${entry.selector}: ${entry.reason}`).join('; ')})`
  );
}
