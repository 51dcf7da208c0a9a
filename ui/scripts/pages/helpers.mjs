// Steps several page specs share: picking a workspace, opening a page or a runtime.
import { check } from './harness.mjs';

// Typed key by key: the picker filters as the user types (a pasted value does not open it).
export async function retype(input, text) {
  await input.fill('');
  await input.pressSequentially(text);
}

export async function pickWorkspace(page, filter, name) {
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, filter);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByTestId('preflight-summary').waitFor();
}

export async function openPermissions(page, base, filter, name) {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Permissions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Permissions' }).waitFor();
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, filter);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByTestId('grant-ability').waitFor();
}

// The workspace of the version and update tests. research-ml holds
// rt-default and rt-old (outdated), rt-preview (the registry lists a newer image, the service says
// no update is needed: none is offered), rt-custom (custom environment) and rt-fresh (newest).
export const RESEARCH_ID = '/subscriptions/00000000-0000-0000-0000-00000000000b/resourceGroups/rg-research/providers/Microsoft.MachineLearningServices/workspaces/research-ml';

export async function openResearch(page, base, query = '') {
  await page.goto(`${base}${query}`);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'research', 'research-ml');
  await page.getByTestId('versions-summary').waitFor();
}

export async function openRuntime(page, name) {
  await page.getByTestId(`runtime-row-${name}`).getByRole('button', { name, exact: true }).click();
  await page.getByTestId('details-status').waitFor();
}

export async function checkColumnsFit(page, testId) {
  const table = page.getByTestId(testId).first();
  const cells = await table.evaluate((element) => {
    // The words (an address counts as one; a hyphen may end a line) that a cell split across lines.
    const brokenWords = (cell) => {
      const broken = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/[^\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          if (new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1) broken.push(match[0]);
        }
      }
      return broken;
    };
    return [...element.querySelectorAll('th, td')].map((cell) => ({ text: cell.textContent, overflows: cell.scrollWidth > cell.clientWidth, broken: brokenWords(cell) }));
  });
  const overflowing = cells.filter((cell) => cell.overflows).map((cell) => cell.text);
  check(cells.length > 0 && overflowing.length === 0, `no cell of ${testId} should spill into the next column: ${overflowing.join(', ')}`);
  // The table scrolls sideways rather than split a word or an address over two lines.
  const broken = cells.flatMap((cell) => cell.broken);
  check(broken.length === 0, `no word in ${testId} should be split over two lines: ${broken.join(', ')}`);
  const overflowX = await table.evaluate((element) => getComputedStyle(element.parentElement).overflowX);
  check(overflowX === 'auto', `${testId} should scroll sideways when its columns do not fit, overflow-x is ${overflowX}`);
}
