/**
 * Conventions as tests (STYLE.md principle 8): registry = rules/ = fixtures/, rule metadata is
 * complete and messages follow one format, and the generated docs are in sync with metadata.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { renderRulePage, withRulesTable } from '../src/docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ids = Object.keys(RULES);
const pascal = (id: string) => id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());

describe('registry', () => {
  it('is sorted by id and keyed by each rule own id', () => {
    expect(ids).toEqual([...ids].sort());
    for (const id of ids) expect(RULES[id].meta.id).toBe(id);
  });

  it('matches the files in rules/', () => {
    const files = fs
      .readdirSync(path.join(root, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual(ids);
  });

  it('matches the folders in fixtures/', () => {
    const folders = fs
      .readdirSync(path.join(root, 'fixtures'))
      .filter((f) => fs.statSync(path.join(root, 'fixtures', f)).isDirectory())
      .sort();
    expect(folders).toEqual(ids);
  });
});

describe.each(ids)('rule %s', (id) => {
  const meta = RULES[id].meta;

  it('has complete metadata', () => {
    expect(meta.name).toBe(pascal(id));
    expect(meta.description).not.toMatch(/\.$/);
    expect(meta.description.length).toBeLessThanOrEqual(120);
    expect(meta.fullDescription.length).toBeGreaterThan(40);
    expect(meta.fullDescription.length).toBeLessThanOrEqual(1024);
    expect(meta.rationale.length).toBeGreaterThan(40);
    expect(meta.remedy.length).toBeGreaterThan(20);
    expect(meta.examples.bad.trim()).not.toBe('');
    expect(meta.examples.good.trim()).not.toBe('');
    expect(meta.examples.bad).not.toBe(meta.examples.good);
    expect(meta.cwe.length).toBeGreaterThan(0);
    expect(meta.securitySeverity).toBeGreaterThanOrEqual(0);
    expect(meta.securitySeverity).toBeLessThanOrEqual(10);
    expect(['very-high', 'high', 'medium', 'low']).toContain(meta.precision);
    expect(meta.tags.length).toBeLessThanOrEqual(8);
  });

  it('has one-sentence messages with {{placeholders}} only', () => {
    const messages = Object.values(meta.messages) as string[];
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m).not.toMatch(/\n/);
      expect(m.replace(/\{\{\s*\w+\s*\}\}/g, 'X')).not.toMatch(/[{}]/);
      // a bare placeholder message (invalid-suppression renders its problem text) ends with one
      // itself
      if (m !== '{{problem}}') expect(m).toMatch(/\.$/);
    }
  });
});

describe('generated docs', () => {
  it('README rules table is in sync with rule metadata (run `npm run docs`)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toBe(
      withRulesTable(
        readme,
        Object.values(RULES).map((r) => r.meta),
      ),
    );
  });

  it.each(ids)('docs/rules/%s.md is in sync (run `npm run docs`)', (id) => {
    const page = path.join(root, 'docs/rules', `${id}.md`);
    expect(fs.existsSync(page)).toBe(true);
    expect(fs.readFileSync(page, 'utf8')).toBe(renderRulePage(RULES[id].meta));
  });
});
