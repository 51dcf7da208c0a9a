// The page-test harness: a static server for the built UI, headless Chromium, the test registry
// and the runner. Spec files (*.spec.mjs beside this file) register their tests with `test`.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { audit, summary as axeSummary } from './axe.mjs';

const UI = resolve(fileURLToPath(import.meta.url), '../../..');
export const PAGES = join(UI, 'dist-pages');
export const PRODUCTION = join(UI, 'dist');
export const SHOTS = join(UI, 'test-results', 'pages');
const CHROMIUM = process.env.PFRM_CHROMIUM ?? '/usr/bin/chromium';
// Strings that exist only in the fake backend: finding one in a bundle means the mock is in it.
export const MOCK_MARKERS = ['0.0.0-pages', 'startup-warnings', 'bad_name'];

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

export function bundleText(dir) {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is missing: build it first`);
  return filesUnder(dir)
    .filter((path) => /\.(js|html)$/.test(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

const tests = [];
/** Registers a page test; spec files call it as they are imported, and runAll runs them in that order. */
export const test = (name, body) => tests.push({ name, body });

/** Serves dist-pages, runs every registered test in its own fresh browser context, and reports. */
export async function runAll() {
  mkdirSync(SHOTS, { recursive: true });
  // A failure screenshot from an earlier run would tell of a failure this run may not have.
  for (const name of readdirSync(SHOTS)) if (name.startsWith('failed-')) rmSync(join(SHOTS, name));
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
    // PFRM_PAGE_TESTS=text runs only the tests whose name contains it (for working on one page).
    const only = process.env.PFRM_PAGE_TESTS;
    for (const { name, body } of tests.filter((entry) => !only || entry.name.includes(only))) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
      const page = await context.newPage();
      // Every state a test photographs is audited with axe first, in light, dark and forced colours.
      const screenshot = page.screenshot.bind(page);
      page.screenshot = async (options = {}) => {
        const state = options.path ? options.path.split('/').pop().replace(/\.png$/, '') : name;
        const problems = await audit(page, state);
        check(problems.length === 0, `accessibility problems:\n${problems.join('\n')}`);
        return screenshot(options);
      };
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
        await screenshot({ path: join(SHOTS, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(axeSummary());
  console.log(`screenshots: ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
