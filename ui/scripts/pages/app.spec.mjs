// The app's frame: welcome, scrolling, start-up banners, the retirement notice, keyboard navigation, dark mode.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { pickWorkspace } from './helpers.mjs';

test('welcome screen shows the product, what it does and working actions', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('heading', { level: 1, name: 'Welcome to Prompt Flow Runtime Manager' }).waitFor();
  await page.getByText('Set up and update your Azure Machine Learning prompt flow runtimes').waitFor();
  for (const label of ['Welcome', 'Runtimes', 'Permissions', 'Activity', 'Settings']) {
    await page.getByRole('tab', { name: label }).waitFor();
  }
  await page.getByTestId('sign-in-choices').waitFor();
  const buttons = page.locator('[data-testid="welcome"] button');
  // Four ways to sign in (browser, code, Azure CLI, sandbox) and the two actions that need none.
  check((await buttons.count()) === 6, `welcome should offer the six working actions, found ${await buttons.count()}`);
  for (const button of await buttons.all()) check(await button.isEnabled(), 'welcome actions must all work');
  // A screen reader reads each action's sentence with its button.
  const described = await page.getByTestId('sign-in-deviceCode').evaluate(
    (button) => document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent,
  );
  check(described?.startsWith('For remote desktops'), `the code sign-in button is described by ${described}`);
  // At the default window size every choice is in view with nothing to scroll.
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight }));
  check(scrollHeight <= innerHeight, `the signed-out welcome page should fit the default window (${scrollHeight} > ${innerHeight})`);
  for (const button of await buttons.all()) {
    const box = await button.boundingBox();
    check(box !== null && box.y + box.height <= innerHeight, `${await button.textContent()} should be in view`);
  }
  await page.screenshot({ path: join(SHOTS, 'welcome-light.png') });
});

test('a page taller than the window scrolls, and the navigation and account stay in view', async ({ page, base }) => {
  // The smallest window the app allows.
  await page.setViewportSize({ width: 720, height: 480 });
  await page.goto(base);
  await page.getByTestId('sign-in-choices').waitFor();
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight }));
  check(scrollHeight > innerHeight, `the signed-out welcome page should be taller than the smallest window (${scrollHeight} <= ${innerHeight})`);
  await page.mouse.move(700, 400);
  await page.mouse.wheel(0, 400);
  await page.waitForFunction(() => window.scrollY > 0);
  const nav = await page.locator('nav').evaluate((element) => {
    const box = element.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom };
  });
  check(nav.top === 0, `the navigation should stay at the top of the window, it is at ${nav.top}`);
  check(Math.round(nav.bottom) === innerHeight, `the navigation should reach the foot of the window, it ends at ${nav.bottom}`);
  check(await page.getByTestId('account-sign-in').isVisible(), 'the account entry at the foot of the navigation stays visible');
  await page.screenshot({ path: join(SHOTS, 'welcome-smallest-window-scrolled.png') });
});

test('start-up problems show as banners', async ({ page, base }) => {
  await page.goto(`${base}?scenario=startup-warnings`);
  // The core's words: where the damaged settings went and how to get them back; why logging is off.
  const settings = page.getByTestId('startup-warning-config_unreadable');
  await settings.filter({ hasText: 'Your settings file could not be used' }).waitFor();
  await settings.filter({ hasText: 'the old file was kept as /home/alex/.config/pfrm/settings.json.damaged-20261206T120000Z.' }).waitFor();
  await settings.filter({ hasText: 'To get your old settings back, fix the kept file and rename it to settings.json' }).waitFor();
  check(!(await settings.textContent()).includes('kept in'), 'the kept file is named once');
  const logs = page.getByTestId('startup-warning-log_dir_unwritable');
  await logs.filter({ hasText: 'Logging to a file is off' }).waitFor();
  await logs.filter({ hasText: 'The log folder /home/alex/.local/state/pfrm/logs cannot be written' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'startup-warnings-light.png') });
});

test('the retirement notice: days left, the migration guide, hidden until next week', async ({ page, base }) => {
  await page.goto(`${base}?scenario=retirement`);
  const notice = page.getByTestId('retirement-notice');
  await notice.filter({ hasText: 'Prompt flow retires on 2027-04-20: 135 days left' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'retirement-notice-light.png') });
  await page.getByTestId('retirement-guide').click();
  check((await page.getByTestId('retirement-guide-error').count()) === 0, 'opening the guide should not fail');
  await page.getByTestId('retirement-dismiss').click();
  await notice.waitFor({ state: 'detached' });
  await page.goto(`${base}?scenario=retired`);
  await page.getByTestId('retirement-notice').filter({ hasText: 'Prompt flow retired on 2027-04-20' }).waitFor();
  await page.getByTestId('retirement-notice').filter({ hasText: 'no new runtime can be created' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'retirement-notice-retired-light.png') });
});

test('the keyboard reaches the navigation and moves between pages', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('role'));
  check(focused === 'tab', `first Tab should land in the navigation, landed on ${focused}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  const heading = await page.evaluate(() => document.activeElement?.tagName);
  check(heading === 'H1', `focus should move to the new page's heading, was on ${heading}`);
});

test('dark mode follows the system', async ({ page, base }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(base);
  await page.locator('[data-theme="dark"]').waitFor();
  const background = await page.locator('main').evaluate((element) => getComputedStyle(element.parentElement.parentElement).backgroundColor);
  check(background !== 'rgb(255, 255, 255)', `dark background expected, got ${background}`);
  await page.screenshot({ path: join(SHOTS, 'welcome-dark.png') });
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'locked', 'locked-ml');
  await page.getByTestId('add-blocked-reason').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtimes-blocked-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-theme="light"]').waitFor();
});
