import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { formatDateTime, formatDuration, t } from '.';

describe('t', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('runtimes.nameCheck.ok', { name: 'rt1' })).toBe('"rt1" can be used as a runtime name.');
    expect(t('error.code')).toBe('Error code: {code}');
  });
});

describe('formatDuration', () => {
  it('says how long in seconds, minutes or hours', () => {
    expect(formatDuration(4_900)).toBe('4 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
    expect(formatDuration(-300)).toBe('0 s');
  });
});

describe('formatDateTime', () => {
  it('shows a moment from Azure as a date and time in the reader\'s language and zone', () => {
    expect(formatDateTime('2026-01-12T09:00:00Z', 'en-GB', 'UTC')).toBe('12 Jan 2026, 09:00');
    expect(formatDateTime('2026-01-12T09:00:00.1234567+00:00', 'en-US', 'America/New_York')).toBe('Jan 12, 2026, 4:00 AM');
  });

  it('shows text that is not a moment as it came', () => {
    expect(formatDateTime('yesterday-ish')).toBe('yesterday-ish');
  });
});

// Text shown to people must come from the catalog. This walks every component and fails on
// literal JSX text and on literal strings in attributes people read.
const READ_BY_PEOPLE = new Set(['label', 'title', 'placeholder', 'aria-label', 'hint', 'description', 'alt']);
const SOURCE_ROOT = join(__dirname, '..');

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return path.endsWith('.tsx') && !path.endsWith('.test.tsx') ? [path] : [];
  });
}

function literalsShownToPeople(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && node.getText().trim() !== '') found.push(node.getText().trim());
    if (
      ts.isJsxAttribute(node) &&
      READ_BY_PEOPLE.has(node.name.getText()) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer)
    ) {
      found.push(`${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.map((text) => `${relative(SOURCE_ROOT, path)}: ${text}`);
}

describe('message catalog', () => {
  it('is the only source of text shown in components', () => {
    const files = tsxFiles(SOURCE_ROOT);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(literalsShownToPeople)).toEqual([]);
  });

  it('catches a literal when there is one', () => {
    const probe = ts.createSourceFile('p.tsx', '<b title="Hi">Hello</b>', ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    let texts = 0;
    const visit = (node: ts.Node) => {
      if (ts.isJsxText(node) && node.getText().trim()) texts += 1;
      ts.forEachChild(node, visit);
    };
    visit(probe);
    expect(texts).toBe(1);
  });
});
