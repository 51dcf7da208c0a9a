// Inventory: take stock of a workspace (or all), counts, what costs money now, filters, save,
// and a flow's Agent Framework project.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { retype } from './helpers.mjs';

async function openInventory(page, base) {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Inventory' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, 'contoso');
  await page.getByRole('option', { name: /^contoso-ml/ }).click();
}

test('inventory: counts by kind, what costs money now, filters, save, and a flow exported as an Agent Framework project', async ({ page, base }) => {
  await openInventory(page, base);
  await page.getByTestId('inventory-take').click();
  await page.getByTestId('inventory-count-flow').filter({ hasText: 'Flows: 6' }).waitFor();
  await page.getByTestId('inventory-count-connection').filter({ hasText: 'Connections: 9' }).waitFor();
  await page.getByTestId('inventory-count-serverlessInstance').filter({ hasText: 'Serverless instances: 1' }).waitFor();
  await page.getByTestId('inventory-running').filter({ hasText: '6 items cost money now' }).waitFor();
  await page.getByTestId('inventory-running').filter({ hasText: '135 days until prompt flow retires' }).waitFor();
  await page.getByTestId('inventory-row-flow-support-router').filter({ hasText: 'compute session on serverless-alex-7d2e' }).waitFor();
  await page.getByTestId('inventory-row-connection-legacy_bing_connection').filter({ hasText: 'used by no flow' }).waitFor();
  await page.getByTestId('inventory-row-computeSession-support-router session').filter({ hasText: 'running, idle shutdown 60 min' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'inventory-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'inventory-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Filters: only what costs money now, then words.
  await page.getByTestId('inventory-costs').click();
  await page.getByTestId('inventory-shown').filter({ hasText: 'Showing 6 of 22 items.' }).waitFor();
  check((await page.getByTestId('inventory-row-flow-web-classification').count()) === 0, 'a flow costs nothing by itself');
  await page.getByTestId('inventory-costs').click();
  await page.getByTestId('inventory-text').fill('aoai');
  await page.getByTestId('inventory-shown').filter({ hasText: 'Showing 5 of 22 items.' }).waitFor();
  await page.getByTestId('inventory-text').fill('');

  // Save: the Downloads path is said.
  await page.getByTestId('inventory-save-csv').click();
  await page.getByTestId('inventory-saved').filter({ hasText: 'Saved to /home/alex/Downloads/prompt-flow-inventory-2026-12-06.csv.' }).waitFor();

  // A flow's project: a folder is required; a folder that holds anything is refused with what
  // to do; the system's chooser fills the path; then the files written are listed.
  await page.getByTestId('inventory-export-support-router').click();
  const dialog = page.getByTestId('export-project-dialog');
  await dialog.getByText('Export support-router as an Agent Framework project').waitFor();
  // First the flow's audit: each part and the Agent Framework concept it becomes.
  await dialog.getByTestId('flow-mapping-row').first().waitFor();
  const mapping = await dialog.getByTestId('flow-mapping-row').allInnerTexts();
  check(mapping.some((row) => row.includes('Executor')), `the mapping names executors: ${mapping.join(' | ')}`);
  await page.screenshot({ path: join(SHOTS, 'inventory-audit-light.png') });
  check(await dialog.getByTestId('export-project-write').isDisabled(), 'no project without a folder');
  await dialog.getByTestId('export-project-folder').fill('/home/alex/projects');
  await dialog.getByTestId('export-project-write').click();
  await dialog.getByTestId('error-message').filter({ hasText: 'is not empty' }).filter({ hasText: 'Choose a new folder' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'inventory-export-project-refused-light.png') });
  await dialog.getByTestId('export-project-choose').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="export-project-folder"]')?.value === '/home/alex/projects/support-router');
  check((await dialog.getByTestId('error-message').count()) === 0, 'a newly chosen folder clears the refusal');
  await dialog.getByTestId('export-project-write').click();
  await dialog.getByTestId('export-project-done').filter({ hasText: 'Wrote 8 executors to /home/alex/projects/support-router' }).waitFor();
  const files = await dialog.getByTestId('export-project-files').locator('li').allTextContents();
  check(
    JSON.stringify(files) === JSON.stringify(['.env.example', 'README.md', 'executors.py', 'requirements.txt', 'run.py', 'validate.py', 'workflow.py']),
    `the files written are listed: ${files}`,
  );
  await page.screenshot({ path: join(SHOTS, 'inventory-export-project-light.png') });
  await dialog.getByTestId('export-project-close').click();

  // All workspaces: research-ml's runtimes join.
  await page.getByTestId('inventory-all').click();
  await page.getByTestId('inventory-take').click();
  await page.getByTestId('inventory-count-runtime').filter({ hasText: 'Runtimes: 5' }).waitFor();
  await page.getByTestId('inventory-row-runtime-rt-preview').waitFor();
});

test('inventory in the smallest window: the table scrolls sideways, light and dark', async ({ page, base }) => {
  await page.setViewportSize({ width: 720, height: 480 });
  await openInventory(page, base);
  await page.getByTestId('inventory-take').click();
  await page.getByTestId('inventory-table').waitFor();
  const overflowX = await page.getByTestId('inventory-table').evaluate((element) => getComputedStyle(element.parentElement).overflowX);
  check(overflowX === 'auto', `the inventory table should scroll sideways, overflow-x is ${overflowX}`);
  // Readable: no word is split across lines (names, addresses and states keep whole), the
  // headings and a flow's export button keep to one line, and a table wider than the window
  // says it scrolls sideways and takes keyboard focus to do so.
  const layout = await page.getByTestId('inventory-table').evaluate((table) => {
    const broken = [];
    for (const cell of table.querySelectorAll('td, th')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
          if (lines.size < 2) continue;
          // Where the word goes on to a new line: only after a hyphen or a slash, as in
          // 'serverless-alex-' / '7d2e' or an address, never in the middle of a name.
          let top = null;
          for (let i = 0; i < match[0].length; i += 1) {
            const letter = document.createRange();
            letter.setStart(node, match.index + i);
            letter.setEnd(node, match.index + i + 1);
            const rect = letter.getClientRects()[0];
            if (!rect) continue;
            if (top !== null && Math.round(rect.top) > top && !'-/'.includes(match[0][i - 1])) {
              broken.push(match[0]);
              break;
            }
            top = Math.round(rect.top);
          }
        }
      }
    }
    const lineHeight = (element) => parseFloat(getComputedStyle(element).lineHeight);
    const tall = [...table.querySelectorAll('th, [data-testid^="inventory-export-"]')]
      .filter((element) => element.getBoundingClientRect().height > 2 * lineHeight(element) + 8)
      .map((element) => element.innerText);
    const scroller = table.parentElement;
    return { broken, tall, overflowing: scroller.scrollWidth > scroller.clientWidth, tabIndex: scroller.tabIndex, headers: [...table.querySelectorAll('th')].map((th) => th.innerText) };
  });
  check(layout.broken.length === 0, `words split across lines in the inventory: ${layout.broken.slice(0, 8).join(', ')}`);
  check(layout.tall.length === 0, `more than one line: ${layout.tall.join(' | ')}`);
  check(!layout.headers.includes('Workspace'), `one workspace needs no Workspace column: ${layout.headers.join(', ')}`);
  check(layout.overflowing, 'at 720×480 the inventory is wider than its box');
  check(layout.tabIndex === 0, 'the sideways-scrolling table takes keyboard focus');
  await page.getByTestId('table-scroll-hint').filter({ hasText: 'Scroll sideways' }).waitFor();
  await page.getByTestId('inventory-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'inventory-small-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'inventory-small-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  // The keyboard scrolls it: focus, then the right arrow.
  await page.getByRole('region', { name: 'Inventory, scrolls sideways' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid="inventory-table"]').parentElement.scrollLeft > 0);
});
