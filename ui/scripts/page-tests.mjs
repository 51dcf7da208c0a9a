// Page tests: the built UI (dist-pages, IPC answered by the fake backend) in headless Chromium,
// plus a check that the production bundle (dist) carries no mock code.
// Run with `npm run test:pages` after `npm run build` and `npm run build:pages`.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const UI = resolve(fileURLToPath(import.meta.url), '../..');
const PAGES = join(UI, 'dist-pages');
const PRODUCTION = join(UI, 'dist');
const SHOTS = join(UI, 'test-results', 'pages');
const CHROMIUM = process.env.PFRM_CHROMIUM ?? '/usr/bin/chromium';
// Strings that exist only in the fake backend: finding one in a bundle means the mock is in it.
const MOCK_MARKERS = ['0.0.0-pages', 'startup-warnings', 'bad_name'];

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

function serve(root) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    let file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function bundleText(dir) {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is missing: build it first`);
  return filesUnder(dir)
    .filter((path) => /\.(js|html)$/.test(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const tests = [];
const test = (name, body) => tests.push({ name, body });

test('production bundle carries no IPC mock', async () => {
  const production = bundleText(PRODUCTION);
  const pages = bundleText(PAGES);
  for (const marker of MOCK_MARKERS) {
    check(pages.includes(marker), `the page-test bundle should contain the mock marker ${marker}`);
    check(!production.includes(marker), `the production bundle contains mock code (${marker})`);
  }
  check(!production.includes('__TAURI_INTERNALS__.invoke=') , 'the production bundle overrides Tauri IPC');
});

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
  await page.screenshot({ path: join(SHOTS, 'welcome-light.png') });
});

test('settings shows the version and log folder from the backend', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('app-version').filter({ hasText: '0.0.0-pages' }).waitFor();
  await page.getByTestId('log-dir').filter({ hasText: '/home/user/.local/state/pfrm/logs' }).waitFor();
  await page.getByRole('button', { name: 'Open logs folder' }).click();
  check((await page.getByTestId('error-message').count()) === 0, 'opening the logs folder should not fail');
  await page.screenshot({ path: join(SHOTS, 'settings-light.png') });
});

test('a rejected runtime name shows the message and the remedy', async ({ page, base }) => {
  await page.goto(base);
  await page.getByTestId('welcome-check-name').click();
  await page.getByLabel('Runtime name').fill('bad_name');
  await page.getByRole('button', { name: 'Check name' }).click();
  await page.getByTestId('error-text').filter({ hasText: 'cannot be used as a runtime name' }).waitFor();
  const remedy = await page.getByTestId('error-remedy').textContent();
  check(remedy?.startsWith('Use 3 to 24 characters'), `remedy was ${remedy}`);
  await page.screenshot({ path: join(SHOTS, 'runtime-name-error-light.png') });
});

test('an accepted runtime name is confirmed', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await page.getByLabel('Runtime name').fill('my-runtime');
  await page.getByLabel('Runtime name').press('Enter');
  await page.getByTestId('runtime-name-ok').filter({ hasText: '"my-runtime" can be used' }).waitFor();
});

test('start-up problems show as banners', async ({ page, base }) => {
  await page.goto(`${base}?scenario=startup-warnings`);
  await page.getByTestId('startup-warning-config_unreadable').filter({ hasText: 'Your settings file could not be used' }).waitFor();
  await page.getByTestId('startup-warning-log_dir_unwritable').filter({ hasText: 'Logging to a file is off' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'startup-warnings-light.png') });
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
  await page.getByLabel('Runtime name').fill('bad_name');
  await page.getByRole('button', { name: 'Check name' }).click();
  await page.getByTestId('error-remedy').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtime-name-error-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-theme="light"]').waitFor();
});

// Session: sign-in choices, sandbox, account menu, and the Activity list.
test('try the sandbox: banner, who you are, and on to runtimes', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  await page.getByTestId('sandbox-banner').filter({ hasText: 'Sandbox — nothing here touches Azure' }).waitFor();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Sandbox' }).waitFor();
  await page.getByTestId('welcome-who-name').filter({ hasText: 'Signed in as Alice Sandbox' }).waitFor();
  check((await page.getByTestId('sign-in-choices').count()) === 0, 'no sign-in choices while in the sandbox');
  await page.screenshot({ path: join(SHOTS, 'sandbox-welcome-light.png') });
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-leave-sandbox').waitFor();
  await page.screenshot({ path: join(SHOTS, 'sandbox-account-menu-light.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Go to runtimes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  check(await page.getByTestId('sandbox-banner').isVisible(), 'the banner stays on every page');
  await page.getByRole('button', { name: 'Leave sandbox' }).click();
  await page.getByTestId('sandbox-banner').waitFor({ state: 'detached' });
  await page.getByTestId('account-sign-in').waitFor();
});

test('launched with --sandbox: the banner appears once the sandbox is up', async ({ page, base }) => {
  await page.goto(`${base}?scenario=sandbox`);
  await page.getByTestId('sign-in-choices').waitFor();
  await page.getByTestId('sandbox-banner').waitFor();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Sandbox' }).waitFor();
});

test('browser sign-in waits for the browser and can be cancelled', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  await page.getByText('Finish signing in in your browser').waitFor();
  await page.screenshot({ path: join(SHOTS, 'sign-in-browser-waiting-light.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
  check((await page.getByTestId('error-message').count()) === 0, 'cancelling is not an error');
});

test('device code dialog shows the code and the page, copies, and cancels', async ({ page, base }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with a code' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByTestId('device-code-code').filter({ hasText: 'FKX-4QPT' }).waitFor();
  await dialog.getByTestId('device-code-url').filter({ hasText: 'https://microsoft.com/devicelogin' }).waitFor();
  await dialog.getByRole('button', { name: 'Copy code' }).click();
  await dialog.getByTestId('device-code-copied-code').filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === 'FKX-4QPT', `the clipboard holds ${copied}`);
  await page.screenshot({ path: join(SHOTS, 'sign-in-device-code-light.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  await page.getByTestId('sign-in-choices').waitFor();
});

test('a failed Azure CLI sign-in says what to do', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('error-text').filter({ hasText: 'The Azure CLI is not signed in on this computer.' }).waitFor();
  const remedy = await page.getByTestId('error-remedy').textContent();
  check(remedy?.startsWith('Run `az login`'), `remedy was ${remedy}`);
  await page.getByTestId('sign-in-choices').waitFor();
});

test('account menu: who, accounts, directories, add account and sign out', async ({ page, base }) => {
  await page.goto(`${base}?scenario=azure-cli`);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Example' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-menu-user-name').filter({ hasText: 'alice@contoso.example' }).waitFor();
  await page.getByRole('menuitemradio', { name: /Fabrikam/ }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'account-menu-light.png') });
  await page.getByRole('menuitemradio', { name: /Fabrikam/ }).click();
  await page.getByTestId('account-menu-button').click();
  const fabrikam = page.getByRole('menuitemradio', { name: /Fabrikam/ });
  await page.waitForFunction(() => document.querySelector('[data-testid="tenant-fabrikam-tid"]')?.getAttribute('aria-checked') === 'true');
  check((await fabrikam.getAttribute('aria-checked')) === 'true', 'the chosen directory is current');
  await page.getByRole('menuitemradio', { name: /Bob Example/ }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Bob Example' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Add account' }).click();
  await page.getByRole('heading', { name: 'Add another account' }).waitFor();
  check((await page.getByRole('button', { name: 'Try the sandbox' }).count()) === 0, 'no sandbox while adding an account');
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByTestId('account-sign-in').waitFor();
  await page.getByTestId('sign-in-choices').waitFor();
});

test('banners for a memory-only session and an expired sign-in', async ({ page, base }) => {
  await page.goto(`${base}?scenario=memory-only`);
  await page.getByTestId('memory-only-banner').filter({ hasText: 'Sign-ins last until you close the app' }).waitFor();
  await page.goto(`${base}?scenario=sign-in-required`);
  await page.getByTestId('sign-in-required-banner').filter({ hasText: 'Alice Example' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'sign-in-required-light.png') });
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
});

test('activity lists operations with state, stage, errors, cancel and clear', async ({ page, base }) => {
  await page.goto(`${base}?scenario=activity`);
  // Fluent draws a tab's label twice (a hidden bold copy keeps its width), hence first().
  await page.getByTestId('nav-activity-running').first().filter({ hasText: '1' }).waitFor();
  await page.getByRole('tab', { name: /Activity/ }).click();
  const running = page.getByTestId('operation-op-create');
  await running.getByTestId('operation-state').filter({ hasText: 'Running' }).waitFor();
  await running.getByText('Waiting for the runtime to start.').waitFor();
  await running.getByText('Pulling the runtime image').waitFor();
  const first = await running.getByTestId('operation-elapsed').textContent();
  await page.waitForTimeout(1500);
  const later = await running.getByTestId('operation-elapsed').textContent();
  check(first !== later, `the elapsed time ticks (${first} then ${later})`);
  const failed = page.getByTestId('operation-op-grant');
  await failed.getByTestId('error-remedy').filter({ hasText: 'Ask an Owner' }).waitFor();
  check((await failed.getByRole('button', { name: 'Cancel' }).count()) === 0, 'finished operations have no Cancel');
  await page.getByTestId('operation-op-start').getByText('Resumed after a restart').waitFor();
  await page.screenshot({ path: join(SHOTS, 'activity-light.png'), fullPage: true });
  await running.getByRole('button', { name: 'Cancel' }).click();
  await running.getByTestId('operation-state').filter({ hasText: 'Cancelled' }).waitFor();
  await page.getByTestId('nav-activity-running').first().waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await page.getByText('Nothing has run yet.').waitFor();
});

test('the keyboard reaches the account menu and sign-in choices', async ({ page, base }) => {
  await page.goto(`${base}?scenario=azure-cli`);
  await page.getByTestId('sign-in-choices').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const onAccount = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  check(onAccount === 'account-sign-in', `second Tab should reach the account button, was on ${onAccount}`);
  await page.keyboard.press('Tab');
  const onChoice = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  check(onChoice === 'sign-in-browser', `next Tab should reach the first sign-in choice, was on ${onChoice}`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Example' }).waitFor();
  await page.getByTestId('account-menu-button').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  const inMenu = await page.evaluate(() => document.activeElement?.getAttribute('role'));
  check(inMenu?.startsWith('menuitem'), `Enter opens the menu with focus inside, was on ${inMenu}`);
});

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const server = await serve(PAGES);
  const base = `http://127.0.0.1:${server.address().port}/`;
  // Playwright gives every launch a fresh, empty profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, body } of tests) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
      const started = Date.now();
      try {
        await body({ page, base });
        check(pageErrors.length === 0, `the page reported errors: ${pageErrors.join('; ')}`);
        passed += 1;
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}\n     ${String(error.message ?? error).split('\n').join('\n     ')}`);
        await page.screenshot({ path: join(SHOTS, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`screenshots: ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
