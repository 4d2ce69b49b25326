import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspacePackages } from '../src/workspace.js';
import { ModuleResolver } from '../src/analysis/project/module-resolution.js';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('workspace packages', () => {
  it(
    'finds the manifests above scanned files, ignores nameless and broken ones, and resolves ' +
      'imports into them',
    () => {
      const root = tree({
        'package.json': '{ "private": true }',
        'packages/core/package.json': '{ "name": "@acme/core", "main": "dist/index.js" }',
        'packages/core/src/index.ts': 'export const x = 1;',
        'packages/core/src/tokens/verify.ts': 'export const v = 1;',
        'packages/api/package.json': '{ "name": "api", ',
        'packages/api/src/app.ts': "import { x } from '@acme/core';",
      });
      const files = [
        'packages/core/src/index.ts',
        'packages/core/src/tokens/verify.ts',
        'packages/api/src/app.ts',
      ].map((f) => path.join(root, f));
      const packages = findWorkspacePackages(files, root);
      expect(packages.map((p) => p.name)).toEqual(['@acme/core']);
      const resolver = new ModuleResolver(files, packages);
      expect(resolver.resolve(files[2], '@acme/core')).toBe(files[0]);
      expect(resolver.resolve(files[2], '@acme/core/tokens/verify')).toBe(files[1]);
      expect(resolver.resolve(files[2], '@acme/other')).toBeUndefined();
    },
  );
});
