// Where keyboard focus goes: to the new content after a page or view changes, into what an
// operation shows when it starts, and back to the control that opened a dialog or view when it
// closes. Driven from the keyboard, as a keyboard or screen-reader user would.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { openResearch, pickWorkspace } from './helpers.mjs';

/** What has focus: its test id, else its role and text (for the failure message). */
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'the page body';
    const id = element.getAttribute('data-testid');
    return id ? `#${id}` : `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 60)}"`;
  });
}

async function expectFocus(page, expected, when) {
  // Focus moves after React commits the new view; give it a few frames.
  const deadline = Date.now() + 2000;
  let now = await focused(page);
  while (now !== expected && Date.now() < deadline) {
    await page.waitForTimeout(50);
    now = await focused(page);
  }
  check(now === expected, `${when}: focus should be on ${expected}, it is on ${now}`);
}

async function press(page, testId, key = 'Enter') {
  await page.getByTestId(testId).focus();
  await page.keyboard.press(key);
}

test('focus: list → details → back returns to the runtime opened; a page change lands on its heading', async ({ page, base }) => {
  await openResearch(page, base);
  await page.getByTestId('runtime-row-rt-default').getByTestId('runtime-open').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('details-status').waitFor();
  await expectFocus(page, 'h2 "rt-default"', 'the details opened');
  await press(page, 'details-back');
  await page.getByTestId('runtime-list').waitFor();
  const back = await page.evaluate(() => document.activeElement?.closest('[data-testid^="runtime-row-"]')?.getAttribute('data-testid'));
  check(back === 'runtime-row-rt-default', `back in the list, focus should be on rt-default's link, it is on ${back ?? (await focused(page))}`);
  await page.getByTestId('nav-activity').focus();
  await page.keyboard.press('Enter');
  await expectFocus(page, 'h1 "Activity"', 'Activity opened');
  // The heading that took focus from the keyboard shows it.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline === 'solid', `the focused heading should show a focus ring, its outline is ${outline}`);
  await page.screenshot({ path: join(SHOTS, 'focus-heading-light.png') });
});

test('focus: the Delete and Update dialogs give focus back to their button when closed', async ({ page, base }) => {
  await openResearch(page, base);
  await page.getByTestId('runtime-row-rt-fresh').getByTestId('runtime-open').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('details-status').waitFor();
  await press(page, 'details-delete');
  await page.getByTestId('delete-dialog').waitFor();
  await expectFocus(page, '#delete-confirm-name', 'the Delete dialog opened');
  await page.keyboard.press('Escape');
  await page.getByTestId('delete-dialog').waitFor({ state: 'detached' });
  await expectFocus(page, '#details-delete', 'the Delete dialog closed with Escape');
  await press(page, 'details-delete');
  await press(page, 'delete-cancel');
  await page.getByTestId('delete-dialog').waitFor({ state: 'detached' });
  await expectFocus(page, '#details-delete', 'the Delete dialog closed with Cancel');

  await press(page, 'details-update');
  await page.getByTestId('update-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('update-dialog').waitFor({ state: 'detached' });
  await expectFocus(page, '#details-update', 'the Update dialog closed with Escape');

  // Deleted: the runtime is gone, focus goes to the list it was in.
  await press(page, 'details-delete');
  await page.getByTestId('delete-confirm-name').fill('rt-fresh');
  await press(page, 'delete-confirm');
  await page.getByTestId('runtime-list').waitFor();
  await expectFocus(page, '#runtime-list-heading', 'the runtime was deleted');
});

test('focus: starting an update moves focus to its progress; closing returns to Update', async ({ page, base }) => {
  await openResearch(page, base);
  await page.getByTestId('runtime-row-rt-default').getByTestId('runtime-open').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('update-banner').waitFor();
  await press(page, 'details-update');
  await press(page, 'update-confirm');
  await page.getByTestId('update-result').waitFor({ timeout: 15_000 }).catch(() => {});
  const inProgress = await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="update-progress"], [data-testid="update-result"]')));
  check(inProgress, `after Update, focus should be on the update's progress, it is on ${await focused(page)}`);
  await page.getByTestId('update-result').waitFor({ timeout: 15_000 });
  await press(page, 'update-close');
  await page.getByTestId('update-dialog').waitFor({ state: 'detached' });
  await expectFocus(page, '#details-update', 'the Update dialog closed after the update');
});

test('focus: Update all returns to its button when cancelled, and moves to its progress when started', async ({ page, base }) => {
  await openResearch(page, base);
  await press(page, 'update-all');
  await page.getByTestId('update-all-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('update-all-dialog').waitFor({ state: 'detached' });
  await expectFocus(page, '#update-all', 'Update all closed with Escape');
  await press(page, 'update-all');
  await press(page, 'update-all-confirm');
  await page.getByTestId('update-all-dialog').waitFor({ state: 'detached' });
  const inStatus = await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="update-all-running"], [data-testid="update-all-summary"]')));
  check(inStatus, `after Update all starts, focus should be on its progress, it is on ${await focused(page)}`);
});

test('focus: the wizard opens on its step heading, an operation it starts takes focus, and closing returns to Add runtime', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  // Add runtime opens the quick panel; its More options opens the full wizard.
  await press(page, 'add-runtime');
  await press(page, 'quick-more-options');
  await page.getByTestId('add-runtime-wizard').waitFor();
  await expectFocus(page, '#wizard-step-title', 'the wizard opened');
  // Starting the stopped instance: its progress takes focus.
  await press(page, 'start-ci-alex-gpu');
  await expectFocus(page, '#operation-progress', 'the instance start began');
  await page.getByTestId('operation-progress').waitFor({ state: 'detached', timeout: 15_000 });
  // Enter in the name field goes on, as Next does.
  await page.getByTestId('instance-ci-alex').check();
  await page.getByLabel('Runtime name').fill('my-runtime');
  await page.getByLabel('Runtime name').press('Enter');
  await page.locator('[data-testid="add-runtime-wizard"]:not([data-step="instance"])').waitFor();
  await expectFocus(page, '#wizard-step-title', 'the next step opened');
  await press(page, 'wizard-cancel');
  await page.getByTestId('add-runtime-wizard').waitFor({ state: 'detached' });
  await expectFocus(page, '#add-runtime', 'the wizard closed');
});
