// Keyboard access of every page: Tab alone reaches every control a page shows, and each control
// shows that it has focus. A composite control (the page tabs, a radio group, a menu) takes one
// Tab stop and is moved through with the arrow keys, so one of its members being reached counts.
import { test, check } from './harness.mjs';
import { openPermissions, openResearch } from './helpers.mjs';

const COMPOSITE = '[role="tablist"], [role="radiogroup"], [role="menu"], [role="listbox"]';

/**
 * Tabs from the top of the page to its end and back to the top, and reports what Tab should reach
 * and did not, and which controls it reached that showed no sign of focus.
 */
async function tabThrough(page) {
  // Tab starts from the top of the page: from a stand-in first stop, taken out again at the end.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = 0;
    start.id = 'pfrm-keyboard-start';
    document.body.prepend(start);
    start.focus();
  });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // Every visible, enabled control the keyboard should reach, named, with how it looks unfocused.
  await page.evaluate((composite) => {
    // How a control and the box around it look (a text field marks focus on its frame).
    const looks = (element) => box(element) + (element.parentElement ? box(element.parentElement) : '');
    const box = (element) => {
      const own = getComputedStyle(element);
      const after = getComputedStyle(element, '::after');
      const before = getComputedStyle(element, '::before');
      return JSON.stringify([
        own.outlineStyle, own.outlineColor, own.boxShadow, own.borderColor, own.backgroundColor, own.textDecorationLine,
        after.content, after.borderStyle, after.borderColor, after.outlineStyle, after.boxShadow, after.transform,
        before.content, before.borderStyle, before.outlineStyle, before.boxShadow,
      ]);
    };
    const shown = (element) => {
      const r = element.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    };
    const controls = [...document.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex]')].filter(
      (element) =>
        element.tabIndex >= 0 && !element.disabled && !element.hasAttribute('data-tabster-dummy') && !element.closest('[aria-hidden="true"], [inert]') && shown(element),
    );
    window.pfrmKeyboard = { controls: controls.map((element) => ({ element, group: element.closest(composite), plain: looks(element) })), looks };
  }, COMPOSITE);
  const total = await page.evaluate(() => window.pfrmKeyboard.controls.length);
  const seen = [];
  let stray = null;
  for (let step = 0; step < total * 2 + 10; step += 1) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const { controls, looks } = window.pfrmKeyboard;
      const active = document.activeElement;
      const index = controls.findIndex((entry) => entry.element === active);
      if (index < 0) return { index, stray: active === document.body ? 'body' : active ? active.outerHTML.slice(0, 200) : 'none' };
      // Fluent marks keyboard focus on an attribute a frame after it lands.
      return { index, shows: looks(active) !== controls[index].plain };
    });
    if (where.index >= 0) seen.push(where);
    else {
      stray = where.stray;
      break;
    }
  }
  await page.evaluate(() => document.getElementById('pfrm-keyboard-start')?.remove());
  return page.evaluate((seen) => {
    const { controls } = window.pfrmKeyboard;
    const name = ({ element }) =>
      element.getAttribute('data-testid') ?? element.getAttribute('aria-label') ?? `${element.tagName.toLowerCase()} "${(element.textContent ?? element.value ?? '').trim().slice(0, 40)}"`;
    const reached = new Set(seen.map((entry) => entry.index));
    const groupsReached = new Set([...reached].map((index) => controls[index].group).filter(Boolean));
    const missed = controls.filter((entry, index) => !reached.has(index) && !(entry.group && groupsReached.has(entry.group))).map(name);
    const unmarked = [...new Set(seen.filter((entry) => !entry.shows).map((entry) => name(controls[entry.index])))];
    return { count: controls.length, reached: reached.size, missed, unmarked, order: seen.map((entry) => name(controls[entry.index])) };
  }, seen).then((result) => ({ ...result, stray }));
}

async function checkPage(page, label) {
  // Let the page finish loading what it shows before its controls are counted.
  await page.waitForTimeout(300);
  const { count, reached, missed, unmarked, order, stray } = await tabThrough(page);
  check(count > 0 && reached > 0, `${label}: Tab should reach some of its ${count} controls`);
  check(missed.length === 0, `${label}: Tab never reached ${missed.join(', ')} (Tab went ${order.join(' → ')}, then left the page's controls for ${stray})`);
  check(unmarked.length === 0, `${label}: these show no sign of focus when Tab reaches them: ${unmarked.join(', ')}`);
}

test('keyboard: on every page Tab reaches every control, and each shows that it has focus', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await checkPage(page, 'Welcome');
  await openResearch(page, base);
  await checkPage(page, 'Runtimes');
  await page.getByTestId('runtime-row-rt-default').getByRole('button', { name: 'rt-default', exact: true }).click();
  await page.getByTestId('details-status').waitFor();
  await checkPage(page, 'runtime details');
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  await checkPage(page, 'Permissions');
  for (const name of ['Inventory', 'Activity', 'Settings']) {
    await page.getByRole('tab', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await checkPage(page, name);
  }
});

/** Focus returns to `button` (it can take a frame or two after the dialog closes). */
async function focusComesBack(button, name) {
  const back = await button
    .evaluate((element) => new Promise((done) => {
      const deadline = Date.now() + 2000;
      const look = () => (element === document.activeElement || Date.now() > deadline ? done(element === document.activeElement) : setTimeout(look, 50));
      look();
    }))
    .catch(() => false);
  const now = await button.page().evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.outerHTML.slice(0, 120));
  check(back, `focus should be back on ${name} after Escape, it is on ${now}`);
}

test('keyboard: Escape closes the revoke and export dialogs without acting, and focus goes back to the button that opened each', async ({ page, base }) => {
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  const revoke = page.getByTestId('assignment-revoke').first();
  await revoke.focus();
  await page.keyboard.press('Enter');
  const revokeDialog = page.getByTestId('revoke-dialog');
  await revokeDialog.waitFor();
  await page.keyboard.press('Escape');
  await revokeDialog.waitFor({ state: 'detached' });
  await focusComesBack(revoke, 'Revoke');
  check((await page.getByTestId('revoke-outcome').count()) === 0, 'Escape removes nothing');

  await page.getByRole('tab', { name: 'Inventory' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
  await page.getByTestId('inventory-take').click();
  await page.getByTestId('inventory-count-flow').filter({ hasText: 'Flows: 6' }).waitFor();
  const exportButton = page.getByTestId('inventory-export-support-router');
  await exportButton.focus();
  await page.keyboard.press('Enter');
  const exportDialog = page.getByTestId('export-project-dialog');
  await exportDialog.getByTestId('flow-mapping-row').first().waitFor();
  await page.keyboard.press('Escape');
  await exportDialog.waitFor({ state: 'detached' });
  await focusComesBack(exportButton, "the flow's Export");
});
