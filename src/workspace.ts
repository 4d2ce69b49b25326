/**
 * The monorepo's own packages: every `package.json` with a `name` in a directory that holds
 * scanned files or lies above one (up to the repository root). Their names are project code
 * (`import { getCookie } from '@acme/core'` calls into the scan, not into node_modules), and
 * their folders are where such imports resolve.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface WorkspacePackage {
  name: string;
  /** Absolute folder of its package.json. */
  dir: string;
  /** Entry points the manifest names (`source`, `types`, `module`, `main`), relative to `dir`. */
  entries: string[];
}

export function findWorkspacePackages(files: readonly string[], root: string): WorkspacePackage[] {
  const seen = new Map<string, WorkspacePackage | null>();
  const top = path.resolve(root);
  for (const file of files) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if (seen.has(dir)) break;
      seen.set(dir, readManifest(dir));
      if (dir === top || !dir.startsWith(top + path.sep) || path.dirname(dir) === dir) break;
    }
  }
  const byName = new Map<string, WorkspacePackage>();
  for (const pkg of seen.values()) if (pkg && !byName.has(pkg.name)) byName.set(pkg.name, pkg);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readManifest(dir: string): WorkspacePackage | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return null;
  }
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    if (typeof json.name !== 'string' || json.name === '') return null;
    const entries = ['source', 'types', 'typings', 'module', 'main']
      .map((k) => json[k])
      .filter((v): v is string => typeof v === 'string');
    return { name: json.name, dir, entries };
  } catch {
    // a manifest that is not JSON names no package; it is not a scanned file
    return null;
  }
}
