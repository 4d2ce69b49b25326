/**
 * Adopting jwt-audit in CI, end to end through the CLI (`run(argv, io)` in process, see
 * test/cli-harness.ts): baselines that survive edits, diff-aware scans in a real git repository,
 * accountable suppressions, and GitHub annotations. Each scenario copies the small Express app in
 * test/data/ci-app into a temporary directory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  app,
  write,
  read,
  edit,
  cli,
  scanJson,
  where,
  git,
  expectUsageError,
  KNOWN,
  NEW_SILENT_ROUTE,
  removeApps,
} from './ci-adoption-helpers.js';

afterAll(removeApps);

describe('scenario: adopting jwt-audit on an existing codebase', () => {
  it(
    'after 20 lines are inserted at the top of a file and one silent catch is added ' +
      'elsewhere, the baseline scan reports exactly the new finding',
    async () => {
      const dir = app();
      const first = await scanJson(dir);
      expect(first.status).toBe(1);
      expect(where(first.findings)).toEqual(KNOWN);
      expect(
        (await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'jwt-audit-baseline.json'])).status,
      ).toBe(1);
      expect(
        (await cli(dir, ['scan', 'src', '-f', 'sarif', '-o', 'jwt-audit-baseline.sarif'])).status,
      ).toBe(1);
      expect(await scanJson(dir, ['--baseline', 'jwt-audit-baseline.json'])).toMatchObject({
        status: 0,
        findings: [],
      });

      const header = Array.from(
        { length: 20 },
        (_, i) => `// Copyright notice, line ${i + 1} of 20.`,
      ).join('\n');
      write(dir, 'src/middleware/auth.js', `${header}\n${read(dir, 'src/middleware/auth.js')}`);
      edit(
        dir,
        'src/routes/admin.js',
        `const express = require('express');\n`,
        `const express = require('express');\nconst jwt = require('jsonwebtoken');\n`,
      );
      edit(
        dir,
        'src/routes/admin.js',
        '\nmodule.exports = router;',
        `${NEW_SILENT_ROUTE}\nmodule.exports = router;`,
      );

      // Without the baseline, everything moved: the old findings are 20 lines further down.
      expect(where((await scanJson(dir)).findings)).toEqual([
        'src/middleware/auth.js:28 silent-verify-failure',
        'src/middleware/auth.js:39 fail-open-verify',
        'src/routes/admin.js:13 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
      for (const baseline of ['jwt-audit-baseline.json', 'jwt-audit-baseline.sarif']) {
        const r = await scanJson(dir, ['--baseline', baseline]);
        expect(r.status).toBe(1);
        expect(where(r.findings)).toEqual(['src/routes/admin.js:13 silent-verify-failure']);
        expect(r.summary).toMatchObject({
          findings: 1,
          bySeverity: { error: 1, warning: 0, note: 0 },
        });
      }
      const text = await cli(dir, ['scan', 'src', '--baseline', 'jwt-audit-baseline.json']);
      expect(text.status).toBe(1);
      expect(text.stdout).toContain('src/routes/admin.js');
      expect(text.stdout).not.toContain('src/middleware/auth.js');
      expect(text.stdout).toMatch(/1 problem \(1 error, 0 warnings, 0 notes\)/);
    },
  );
});

describe('--baseline: what keeps a finding known, and what makes it new', () => {
  async function baselined(): Promise<string> {
    const dir = app();
    expect((await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'base.json'])).status).toBe(1);
    return dir;
  }

  it('deleting lines above a finding keeps it known', async () => {
    const dir = await baselined();
    edit(
      dir,
      'src/middleware/auth.js',
      "const jwt = require('jsonwebtoken');\n\n",
      "const jwt = require('jsonwebtoken');\n",
    );
    edit(dir, 'src/middleware/auth.js', 'process.env.JWT_SECRET;\n\n', 'process.env.JWT_SECRET;\n');
    expect(where((await scanJson(dir)).findings)[0]).toBe(
      'src/middleware/auth.js:6 silent-verify-failure',
    );
    expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
      status: 0,
      findings: [],
    });
  });

  it(
    'reformatting the file (indentation, wrapping, the finding’s own call split over lines) ' +
      'keeps its findings known',
    async () => {
      const dir = await baselined();
      const reformatted = read(dir, 'src/middleware/auth.js')
        .split('\n')
        .map((line) => line.replace(/^( +)/, (indent) => ' '.repeat(indent.length * 2)))
        .join('\n')
        .replace(
          "jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n        return next();",
          'jwt.verify(\n            token,\n            SECRET,\n            { algorithms: ' +
            "['HS256'] }\n        );\n        return next();",
        )
        .replace(
          "res.status(401).json({ error: 'unauthorized' })",
          "res\n            .status(401)\n            .json({ error: 'unauthorized' })",
        );
      expect(reformatted).toContain('jwt.verify(\n');
      write(dir, 'src/middleware/auth.js', reformatted);
      // Unrelated code elsewhere, reformatted too.
      write(
        dir,
        'src/routes/refresh.js',
        read(dir, 'src/routes/refresh.js').replace(/\n\n/g, '\n').replace(/'/g, '"'),
      );
      expect((await scanJson(dir)).findings).toHaveLength(3);
      expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
        status: 0,
        findings: [],
      });
    },
  );

  it(
    "changing the finding's own code, or " + 'moving it to another function, makes it new',
    async () => {
      const dir = await baselined();
      edit(
        dir,
        'src/middleware/auth.js',
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n    return next();",
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS512'] });\n    return next();",
      );
      edit(
        dir,
        'src/services/tokens.ts',
        'export function decodeInvite(',
        'export function readInvite(',
      );
      const r = await scanJson(dir, ['--baseline', 'base.json']);
      expect(r.status).toBe(1);
      expect(where(r.findings)).toEqual([
        'src/middleware/auth.js:8 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
    },
  );

  it(
    'counts: a second copy of identical code in the same function is new although the first ' +
      'is baselined',
    async () => {
      const dir = await baselined();
      const copy = `  try {
    jwt.verify(token, process.env.INVITE_SECRET as string);
  } catch {
    return null;
  }
  try {
    return jwt.verify(token, process.env.INVITE_SECRET as string) as { email: string };`;
      edit(
        dir,
        'src/services/tokens.ts',
        `  try {\n    return jwt.verify(token, process.env.INVITE_SECRET as string) as { ` +
          `email: string };`,
        copy,
      );
      // Both copies are found, and the two `jwt.verify(token, …INVITE_SECRET as string)` calls
      // differ only in what surrounds them: same rule, file, function and code, so the same
      // fingerprint.
      const all = (await scanJson(dir)).findings.filter(
        (f) => f.location.file === 'src/services/tokens.ts',
      );
      expect(where(all)).toEqual([
        'src/services/tokens.ts:6 silent-verify-failure',
        'src/services/tokens.ts:11 silent-verify-failure',
      ]);
      const r = await scanJson(dir, ['--baseline', 'base.json']);
      expect(r.status).toBe(1);
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0].location.file).toBe('src/services/tokens.ts');
      // A baseline written now holds both, and excuses both.
      expect((await cli(dir, ['scan', 'src', '-f', 'sarif', '-o', 'now.sarif'])).status).toBe(1);
      expect(await scanJson(dir, ['--baseline', 'now.sarif'])).toMatchObject({
        status: 0,
        findings: [],
      });
    },
  );

  it(
    'a fixed finding simply disappears; an unreadable or foreign baseline is exit 2 with one ' +
      'line',
    async () => {
      const dir = await baselined();
      edit(
        dir,
        'src/services/tokens.ts',
        '  } catch {\n    return null;',
        "  } catch (err) {\n    logger.warn({ err }, 'invite token rejected');\n    return null;",
      );
      expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
        status: 0,
        findings: [],
      });
      write(dir, 'other.json', '{"results": []}');
      expectUsageError(
        await cli(dir, ['scan', 'src', '--baseline', 'other.json']),
        /baseline other\.json is neither a jwt-audit json report nor a SARIF file/,
      );
      write(dir, 'broken.json', '{');
      expectUsageError(
        await cli(dir, ['scan', 'src', '--baseline', 'broken.json']),
        /not valid JSON/,
      );
    },
  );
});

describe('--since <ref>: findings on lines changed since a git ref', () => {
  function repo(): string {
    const dir = app();
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'the app');
    return dir;
  }

  it(
    'reports nothing for an unchanged tree, then only findings whose primary line was added ' +
      'or changed',
    async () => {
      const dir = repo();
      expect(await scanJson(dir, ['--since', 'HEAD'])).toMatchObject({ status: 0, findings: [] });
      expect(await scanJson(dir, ['--since', 'main'])).toMatchObject({ status: 0, findings: [] });

      // 20 new lines at the top move every finding in the file, but change none of their lines.
      const header = Array.from({ length: 20 }, (_, i) => `// line ${i + 1}`).join('\n');
      write(dir, 'src/middleware/auth.js', `${header}\n${read(dir, 'src/middleware/auth.js')}`);
      expect(await scanJson(dir, ['--since', 'HEAD'])).toMatchObject({ status: 0, findings: [] });

      // Changing the finding's own line brings it in; the other finding in the file stays out.
      edit(
        dir,
        'src/middleware/auth.js',
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n    return next();",
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS512'] });\n    return next();",
      );
      expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
        'src/middleware/auth.js:28 silent-verify-failure',
      ]);
    },
  );

  it(
    'compares the working tree with the ref: committed, staged, unstaged and untracked ' +
      'changes all count',
    async () => {
      const dir = repo();
      edit(
        dir,
        'src/routes/admin.js',
        `const express = require('express');\n`,
        `const express = require('express');\nconst jwt = require('jsonwebtoken');\n`,
      );
      edit(
        dir,
        'src/routes/admin.js',
        '\nmodule.exports = router;',
        `${NEW_SILENT_ROUTE}\nmodule.exports = router;`,
      );
      git(dir, 'commit', '-q', '-am', 'impersonation');
      expect(where((await scanJson(dir, ['--since', 'HEAD~1'])).findings)).toEqual([
        'src/routes/admin.js:13 silent-verify-failure',
      ]);
      expect((await scanJson(dir, ['--since', 'HEAD'])).findings).toEqual([]);

      edit(
        dir,
        'src/services/tokens.ts',
        'process.env.INVITE_SECRET as string',
        'process.env.INVITES_SECRET as string',
      );
      git(dir, 'add', 'src/services/tokens.ts');
      write(
        dir,
        'src/routes/untracked.js',
        `const jwt = require('jsonwebtoken');\nmodule.exports = (t) => {\n  try {\n    ` +
          `return jwt.verify(t, 'k');\n  } catch (e) {\n    return null;\n  }\n};\n`,
      );
      const r = await scanJson(dir, ['--since', 'HEAD~1']);
      expect(r.status).toBe(1);
      expect(where(r.findings)).toEqual([
        'src/routes/admin.js:13 silent-verify-failure',
        'src/routes/untracked.js:4 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
      expect(r.summary).toMatchObject({ findings: 3 });
    },
  );

  it('works from a subdirectory of the repository and combines with --baseline', async () => {
    const dir = repo();
    expect((await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'base.json'])).status).toBe(1);
    edit(
      dir,
      'src/services/tokens.ts',
      'process.env.INVITE_SECRET as string',
      'process.env.INVITES_SECRET as string',
    );
    const fromSub = await cli(path.join(dir, 'src'), [
      'scan',
      '.',
      '-f',
      'json',
      '--since',
      'HEAD',
    ]);
    expect(fromSub.status).toBe(1);
    expect(where(JSON.parse(fromSub.stdout).findings)).toEqual([
      'services/tokens.ts:6 silent-verify-failure',
    ]);
    // Changed and not in the baseline: the edit changed the finding's code, so it is new to both.
    expect(
      where((await scanJson(dir, ['--since', 'HEAD', '--baseline', 'base.json'])).findings),
    ).toEqual(['src/services/tokens.ts:6 silent-verify-failure']);
  });

  it('is not fooled by git configuration that changes diff output', async () => {
    const dir = repo();
    git(dir, 'config', 'diff.mnemonicPrefix', 'true'); // "+++ w/src/…" for the working tree
    git(dir, 'config', 'color.diff', 'always');
    git(dir, 'config', 'diff.context', '10');
    edit(
      dir,
      'src/services/tokens.ts',
      'process.env.INVITE_SECRET as string',
      'process.env.INVITES_SECRET as string',
    );
    expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
      'src/services/tokens.ts:6 silent-verify-failure',
    ]);
    git(dir, 'config', 'diff.noprefix', 'true'); // "+++ src/…"
    expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
      'src/services/tokens.ts:6 silent-verify-failure',
    ]);
  });

  it('outside a git repository, or with an unknown ref, is exit 2 with one line', async () => {
    const plain = app();
    expectUsageError(
      await cli(plain, ['scan', 'src', '--since', 'HEAD']),
      /--since needs a git repository/,
    );
    const dir = repo();
    expectUsageError(
      await cli(dir, ['scan', 'src', '--since', 'origin/main']),
      /--since "origin\/main" is not a known git ref/,
    );
    expectUsageError(
      await cli(dir, ['scan', 'src', '--since', 'HEAD~5']),
      /"HEAD~5" is not a known git ref/,
    );
    expectUsageError(await cli(dir, ['scan', 'src', '--since=--output=x']), /is not a git ref/);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
