// 200% zoom in the smallest window the app allows (720 × 480): the page reflows (WCAG 1.4.10).
// A 360 × 240 viewport lays out exactly as 720 × 480 at 200% zoom (CSS pixels are what reflow).
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { pickWorkspace, openRuntime } from './helpers.mjs';

const ZOOMED = { width: 360, height: 240 };

async function noSidewaysScroll(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  check(scrollWidth <= innerWidth, `${where}: the page scrolls sideways (${scrollWidth} px wide in a ${innerWidth} px window)`);
}

/** Opens a page through the folded navigation, as a user at this zoom would. */
async function openPage(page, name) {
  const toggle = page.getByTestId('nav-toggle');
  check((await toggle.getAttribute('aria-expanded')) === 'false', 'the pages start folded');
  await toggle.click();
  check((await toggle.getAttribute('aria-expanded')) === 'true', 'the button says the pages are shown');
  await page.getByRole('tab', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  check(!(await page.getByRole('tab', { name }).isVisible()), 'choosing a page folds the pages away again');
}

test('200% zoom in the smallest window: the navigation folds, nothing scrolls sideways, Next is in view', async ({ page, base }) => {
  await page.setViewportSize(ZOOMED);
  await page.goto(base);
  await page.getByRole('heading', { level: 1 }).waitFor();
  // The navigation is a bar above the page, its pages behind one button.
  check(await page.getByTestId('nav-toggle').isVisible(), 'the folded navigation has its button');
  check(!(await page.getByRole('tab', { name: 'Runtimes' }).isVisible()), 'the pages are folded away');
  const nav = await page.locator('nav').boundingBox();
  check(nav.width <= ZOOMED.width && nav.height <= ZOOMED.height / 3, `the folded navigation should be a bar, it is ${nav.width} × ${nav.height}`);
  await noSidewaysScroll(page, 'Welcome');
  await page.screenshot({ path: join(SHOTS, 'zoom-200-welcome-light.png') });
  await page.getByTestId('nav-toggle').click();
  await noSidewaysScroll(page, 'the unfolded navigation');
  await page.screenshot({ path: join(SHOTS, 'zoom-200-navigation-light.png') });
  await page.getByTestId('nav-toggle').click();

  await openPage(page, 'Runtimes');
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await noSidewaysScroll(page, 'Runtimes');
  await page.screenshot({ path: join(SHOTS, 'zoom-200-runtimes-light.png') });
  await page.getByTestId('add-first-runtime').click();
  // The quick panel first, then the full wizard from its More options.
  await page.getByTestId('quick-more-options').waitFor();
  await noSidewaysScroll(page, 'the quick create panel');
  await page.getByTestId('quick-more-options').click();
  await page.getByTestId('wizard-step-title').waitFor();
  await noSidewaysScroll(page, 'the wizard');
  // Next is in the window without scrolling, on every step's opening.
  const next = await page.getByTestId('wizard-next').boundingBox();
  check(next.y >= 0 && next.y + next.height <= ZOOMED.height && next.x + next.width <= ZOOMED.width, `Next should be in view, it is at ${JSON.stringify(next)}`);
  await page.screenshot({ path: join(SHOTS, 'zoom-200-wizard-light.png') });
  await page.getByTestId('wizard-cancel').click();

  await openPage(page, 'Runtimes');
  await pickWorkspace(page, 'research', 'research-ml');
  await page.getByTestId('runtime-list').waitFor();
  await noSidewaysScroll(page, 'the runtime list');
  await openRuntime(page, 'rt-default');
  await noSidewaysScroll(page, 'runtime details');
  await page.screenshot({ path: join(SHOTS, 'zoom-200-details-light.png') });

  for (const name of ['Permissions', 'Inventory', 'Activity', 'Settings']) {
    await openPage(page, name);
    await noSidewaysScroll(page, name);
  }
  await page.screenshot({ path: join(SHOTS, 'zoom-200-settings-light.png') });
});

test('a large window: the runtime table uses the width', async ({ page, base }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'research', 'research-ml');
  await page.getByTestId('runtime-list').waitFor();
  const main = await page.locator('main').boundingBox();
  const table = await page.getByTestId('runtime-list').boundingBox();
  check(table.width >= main.width * 0.8, `the table should fill most of the page (${table.width} of ${main.width} px)`);
  await noSidewaysScroll(page, 'the large window');
  await page.screenshot({ path: join(SHOTS, 'runtimes-large-window-light.png') });
});
