/**
 * `npm run docs`: regenerates the README rules table and docs/rules/<id>.md from rule metadata.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../rules/index.js';
import { renderRulePage, withRulesTable } from '../src/docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const metas = Object.values(RULES).map((r) => r.meta);
const readmePath = path.join(root, 'README.md');
fs.writeFileSync(readmePath, withRulesTable(fs.readFileSync(readmePath, 'utf8'), metas));
fs.mkdirSync(path.join(root, 'docs/rules'), { recursive: true });
for (const meta of metas)
  fs.writeFileSync(path.join(root, 'docs/rules', `${meta.id}.md`), renderRulePage(meta));
console.log(`updated README.md and ${metas.length} rule pages`);
