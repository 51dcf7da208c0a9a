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
  const buttons = page.locator('[data-testid="welcome"] button');
  check((await buttons.count()) === 2, 'welcome should offer exactly the two working actions');
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
