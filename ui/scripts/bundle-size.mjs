// The production UI's JavaScript, gzipped: all of it, and what the first screen loads (the entry
// script and the modules index.html preloads; every other page loads when first opened).
// Run after `npm run build`: `npm run size`. It exits non-zero when either budget is missed, so
// `cargo xtask test` fails on it; `cargo xtask bench startup` prints it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// Issue #20: all of the UI's JavaScript at most 200 kB gzipped. The first screen has its own,
// lower budget so that a page imported eagerly (instead of loading when opened) is caught.
const BUDGET_KB = 200;
const FIRST_SCREEN_BUDGET_KB = 150;
const DIST = resolve(fileURLToPath(import.meta.url), '../../dist');
const ASSETS = join(DIST, 'assets');

const kb = (bytes) => bytes / 1000;
const chunks = readdirSync(ASSETS)
  .filter((name) => name.endsWith('.js'))
  .map((name) => {
    const bytes = readFileSync(join(ASSETS, name));
    return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  })
  .sort((a, b) => b.gzip - a.gzip);

const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const firstScreen = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]));

const total = chunks.reduce((sum, chunk) => sum + chunk.gzip, 0);
const first = chunks.filter((chunk) => firstScreen.has(chunk.name)).reduce((sum, chunk) => sum + chunk.gzip, 0);

console.log('UI JavaScript (gzip -9 per file):');
for (const chunk of chunks) {
  const mark = firstScreen.has(chunk.name) ? ' first screen' : '';
  console.log(`  ${kb(chunk.gzip).toFixed(1).padStart(7)} kB  (${kb(chunk.raw).toFixed(1).padStart(7)} kB raw)  ${chunk.name}${mark}`);
}
const verdict = (bytes, budget) => `budget ${budget} kB: ${kb(bytes) <= budget ? 'met' : 'MISSED'}`;
console.log(
  `first screen loads ${kb(first).toFixed(1)} kB in ${firstScreen.size} files (other pages load when opened); ${verdict(first, FIRST_SCREEN_BUDGET_KB)}`,
);
console.log(`all UI JavaScript   ${kb(total).toFixed(1)} kB gzipped in ${chunks.length} files; ${verdict(total, BUDGET_KB)}`);
if (kb(total) > BUDGET_KB || kb(first) > FIRST_SCREEN_BUDGET_KB) {
  console.error('The UI JavaScript is over budget: see ARCHITECTURE.md (UI size) for what costs what.');
  process.exit(1);
}
