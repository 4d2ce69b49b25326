/**
 * What a new user trips over (issue 19) and the config/CLI parts of issue 17, through the CLI in
 * process (`run(argv, io)`): typo suggestions, the baseline's hidden count, skipped-file notes,
 * minified detection, SARIF URIs of another repository, unwritable outputs, --max-warnings, the
 * rules summary line, --print-config, init, notAuthRoutes and overrides.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { run, type CliIO } from '../src/cli.js';
import { htmlReporter } from '../src/reporters/html.js';
import type { ScanResult } from '../src/types.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with these files (paths relative to it). */
function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-newcomer-')));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function cli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await run(['node', 'jwt-audit', ...args], io);
  return { code, stdout, stderr };
}

const SILENT = `import jwt from 'jsonwebtoken';
export function auth(token) {
  try {
    return jwt.verify(token, process.env.SECRET);
  } catch (err) {
    return null;
  }
}
`;

/** Two login routes without a rate limiter: two missing-rate-limit warnings. */
const LOGIN_ROUTES = `const express = require('express');
const jwt = require('jsonwebtoken');
const app = express();
app.post('/auth/login', (req, res) => {
  res.json({ token: jwt.sign({ sub: req.body.user }, process.env.SECRET) });
});
app.post('/admin/login', (req, res) => {
  res.json({ token: jwt.sign({ sub: req.body.user }, process.env.SECRET) });
});
module.exports = app;
`;

function json(stdout: string) {
  return JSON.parse(stdout) as {
    findings: Array<{ ruleId: string; severity: string; location: { file: string; uri: string } }>;
    summary: Record<string, unknown>;
    errors: Array<{ kind: string; file?: string; message: string }>;
  };
}

describe('explain', () => {
  it('suggests the closest rule for a typo, exit 2, without listing every rule', async () => {
    const { code, stderr, stdout } = await cli(['explain', 'silent-verify-failur'], REPO);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Did you mean "silent-verify-failure"?');
    expect(stderr).not.toContain('token-in-logs');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('suggests nothing for a name close to no rule', async () => {
    const { code, stderr } = await cli(['explain', 'banana'], REPO);
    expect(code).toBe(2);
    expect(stderr).not.toContain('Did you mean');
    expect(stderr).toContain('jwt-audit rules');
  });
});

describe('--baseline', () => {
  it('says how many known findings it hid, in text, json and github output', async () => {
    const dir = project({ 'src/a.js': SILENT });
    expect((await cli(['scan', 'src', '-f', 'json', '-o', 'base.json'], dir)).code).toBe(1);
    fs.writeFileSync(path.join(dir, 'src/b.js'), SILENT.replace('auth', 'other'));
    const asJson = await cli(['scan', 'src', '-f', 'json', '--baseline', 'base.json'], dir);
    const report = json(asJson.stdout);
    expect(report.findings.map((f) => f.location.file)).toEqual(['src/b.js']);
    expect(report.summary.baselineHidden).toBe(1);
    const text = await cli(['scan', 'src', '--baseline', 'base.json'], dir);
    expect(text.stdout).toContain('1 known (in the baseline) not shown');
    const github = await cli(['scan', 'src', '-f', 'github', '--baseline', 'base.json'], dir);
    expect(github.stdout).toContain('1 known (in the baseline) not shown');
    // without --baseline nothing is said
    expect(json((await cli(['scan', 'src', '-f', 'json'], dir)).stdout).summary).not.toHaveProperty(
      'baselineHidden',
    );
  });
});

describe('skipped files', () => {
  const pathData = Array.from(
    { length: 60 },
    (_, i) => `M${i}.5 ${i + 2}.25c-1.1 0-2 .9-2 2v${i}h-4.5l3-3.75`,
  ).join('');
  const ICON = `import * as React from 'react';
export const IconShield = (props) => (
  <svg viewBox="0 0 24 24" width={24} height={24} {...props}>
    <path fillRule="evenodd" d="${pathData}" />
    <path d="${pathData}z" />
  </svg>
);
export default IconShield;
`;
  const statement = 'var a=function(b,c){return b&&c?b(c):null},d={e:1,f:[2,3]};';
  const BUNDLE = `${statement.repeat(120)}\n${statement.repeat(40)}\n`;

  it(
    'a generated SVG icon component is scanned; a minified bundle is skipped, its path said ' +
      'once',
    async () => {
      const dir = project({ 'src/IconShield.jsx': ICON, 'src/vendor.js': BUNDLE });
      const report = json((await cli(['scan', 'src', '-f', 'json'], dir)).stdout);
      expect(report.summary.filesScanned).toBe(1);
      expect(report.errors.map((e) => [e.kind, e.file])).toEqual([['skipped', 'src/vendor.js']]);
      const text = (await cli(['scan', 'src'], dir)).stdout;
      const line = text.split('\n').find((l) => l.includes('src/vendor.js'));
      expect(line).toMatch(/looks minified/);
      expect(line!.split('src/vendor.js')).toHaveLength(2); // the path once
    },
  );
});

describe('SARIF of a folder in another git repository', () => {
  it('gives URIs relative to that repository, as when run inside it', async () => {
    const here = project({ '.git/HEAD': 'ref: refs/heads/main\n', 'README.md': '' });
    const other = project({ '.git/HEAD': 'ref: refs/heads/main\n', 'server/auth.js': SILENT });
    const outside = await cli(['scan', path.join(other, 'server'), '-f', 'sarif'], here);
    const inside = await cli(['scan', 'server', '-f', 'sarif'], other);
    const uris = (stdout: string) =>
      (
        JSON.parse(stdout) as {
          runs: Array<{
            results: Array<{
              locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
            }>;
          }>;
        }
      ).runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris(outside.stdout)).toEqual(['server/auth.js']);
    expect(uris(outside.stdout)).toEqual(uris(inside.stdout));
  });
});

describe('--output on a path that cannot be created', () => {
  it.skipIf(!fs.existsSync('/proc/self'))(
    'fails at once with exit 2 and one line (Node 20 mkdir recursive loops on /proc)',
    () => {
      const bin = path.join(REPO, 'bin/jwt-audit.js');
      if (!fs.existsSync(path.join(REPO, 'dist/src/main.js')))
        spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO });
      const dir = project({ 'src/a.js': SILENT });
      // the timeout only stops a hang; the run takes well under a second
      const out = spawnSync(process.execPath, [bin, 'scan', 'src', '-o', '/proc/nope/out.json'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(out.signal).toBeNull();
      expect(out.status).toBe(2);
      expect(out.stderr).toMatch(/^jwt-audit: cannot write output file "\/proc\/nope\/out.json"/);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('in process too, for a parent that is a file', async () => {
    const dir = project({ 'src/a.js': SILENT, 'file.txt': 'x' });
    const { code, stderr } = await cli(['scan', 'src', '-o', 'file.txt/out.json'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot write output file "file.txt\/out.json" \(ENOTDIR\)/);
  });
});

describe('--max-warnings', () => {
  it('exits 1 with more warnings than allowed, even under --fail-on none', async () => {
    const dir = project({ 'app.js': LOGIN_ROUTES });
    const report = json((await cli(['scan', '.', '-f', 'json', '--fail-on', 'none'], dir)).stdout);
    const warnings = report.findings.filter((f) => f.severity === 'warning').length;
    expect(warnings).toBe(2);
    const over = await cli(['scan', '.', '--fail-on', 'none', '--max-warnings', '1'], dir);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('2 warnings, more than --max-warnings 1');
    expect((await cli(['scan', '.', '--fail-on', 'none', '--max-warnings', '2'], dir)).code).toBe(
      0,
    );
    const bad = await cli(['scan', '.', '--max-warnings', '-1'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-warnings');
  });
});

describe('the summary', () => {
  it('says which rules ran and on how many files', async () => {
    const dir = project({ 'src/a.js': SILENT, 'src/b.js': 'export const x = 1;\n' });
    const all = (await cli(['scan', 'src'], dir)).stdout;
    expect(all).toMatch(/^Ran 10 rules on 2 files: fail-open-verify, .*unmonitored-refresh$/m);
    const one = (await cli(['scan', 'src', '--rule', 'token-in-logs'], dir)).stdout;
    expect(one).toContain('Ran 1 rule on 2 files: token-in-logs\n');
  });
});

describe('config: notAuthRoutes and overrides', () => {
  const configured = (config: unknown, files: Record<string, string> = {}) =>
    project({ '.jwt-audit.json': JSON.stringify(config), ...files });

  it('notAuthRoutes: missing-rate-limit does not report routes whose path matches', async () => {
    const dir = configured({ notAuthRoutes: ['^/admin/'] }, { 'app.js': LOGIN_ROUTES });
    const report = json((await cli(['scan', '.', '-f', 'json'], dir)).stdout);
    const routes = report.findings.filter((f) => f.ruleId === 'missing-rate-limit');
    expect(routes).toHaveLength(1);
    expect(JSON.stringify(routes[0])).toContain('/auth/login');
  });

  it(
    'overrides: per-file levels, later entries ' + 'win, globs relative to the config file',
    async () => {
      // the config lives in app/, the scan runs from its parent
      const dir = project({
        'app/.jwt-audit.json': JSON.stringify({
          rules: { 'silent-verify-failure': 'note', 'missing-rate-limit': 'off' },
          overrides: [
            { files: ['admin/**'], rules: { 'silent-verify-failure': 'off' } },
            { files: ['admin/keep/*.js'], rules: { 'silent-verify-failure': 'warning' } },
            { files: ['routes/**'], rules: { 'missing-rate-limit': 'error' } },
          ],
        }),
        'app/lib/a.js': SILENT,
        'app/admin/b.js': SILENT,
        'app/admin/keep/c.js': SILENT,
        'app/routes/login.js': LOGIN_ROUTES,
        'app/other.js': LOGIN_ROUTES,
      });
      const report = json((await cli(['scan', 'app', '-f', 'json'], dir)).stdout);
      const got = report.findings.map((f) => `${f.location.file} ${f.ruleId} ${f.severity}`);
      expect(got).toEqual([
        'app/admin/keep/c.js silent-verify-failure warning',
        'app/lib/a.js silent-verify-failure note',
        'app/routes/login.js missing-rate-limit error',
        'app/routes/login.js missing-rate-limit error',
      ]);
      expect(report.summary.bySeverity).toEqual({ error: 2, warning: 1, note: 1 });
      expect(report.summary.findings).toBe(4);
    },
  );

  it('--print-config shows the levels that apply to one file', async () => {
    const dir = configured({
      rules: { 'token-in-logs': 'warning' },
      overrides: [{ files: ['admin/**'], rules: { 'missing-rate-limit': 'off' } }],
      notAuthRoutes: ['^/internal/'],
    });
    const admin = await cli(['scan', '--print-config', 'admin/users.js'], dir);
    expect(admin.code).toBe(0);
    const view = JSON.parse(admin.stdout) as Record<string, unknown> & {
      rules: Record<string, string>;
    };
    expect(view.file).toBe('admin/users.js');
    expect(view.configFile).toBe('.jwt-audit.json');
    expect(view.rules['missing-rate-limit']).toBe('off');
    expect(view.rules['token-in-logs']).toBe('warning');
    expect(view.rules['silent-verify-failure']).toBe('error');
    expect(view.notAuthRoutes).toEqual(['^/internal/']);
    const other = JSON.parse((await cli(['scan', '--print-config', 'src/a.js'], dir)).stdout) as {
      rules: Record<string, string>;
    };
    expect(other.rules['missing-rate-limit']).toBe('warning');
  });

  it.each([
    [{ notAuthRoutes: '^/admin' }, '"notAuthRoutes" must be an array of strings'],
    [{ notAuthRoutes: ['(unclosed'] }, '"notAuthRoutes[0]" must be a valid regular expression'],
    [{ overrides: {} }, '"overrides" must be an array'],
    [{ overrides: [{ files: 'admin/**', rules: {} }] }, '"overrides[0].files" must be'],
    [{ overrides: [{ files: ['a/**'], rule: {} }] }, 'unknown key "overrides[0].rule"'],
    [
      { overrides: [{ files: ['a/**'], rules: { 'no-such-rule': 'off' } }] },
      'unknown rule "no-such-rule" in "overrides[0].rules"',
    ],
    [
      { overrides: [{ files: ['a/**'], rules: { 'token-in-logs': 'loud' } }] },
      '"overrides[0].rules.token-in-logs" must be one of off, note, warning, error',
    ],
  ])('rejects %j with exit 2 naming the key', async (config, message) => {
    const dir = configured(config, { 'a.js': SILENT });
    const { code, stderr } = await cli(['scan', '.'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('init', () => {
  it(
    'writes a valid starter config and workflow, ' + 'and refuses to overwrite without --force',
    async () => {
      const dir = project({ 'src/a.js': SILENT });
      const first = await cli(['init'], dir);
      expect(first.code).toBe(0);
      const config = path.join(dir, '.jwt-audit.json');
      const workflow = path.join(dir, '.github/workflows/jwt-audit.yml');
      expect(fs.existsSync(config)).toBe(true);
      const parsed = parseYaml(fs.readFileSync(workflow, 'utf8')) as {
        jobs: Record<string, { steps: Array<{ uses?: string }> }>;
      };
      expect(parsed.jobs['jwt-audit'].steps.map((st) => st.uses)).toEqual([
        'actions/checkout@v4',
        'jwt-audit/jwt-audit@v0.1.0',
        'github/codeql-action/upload-sarif@v3',
      ]);
      expect(fs.readFileSync(workflow, 'utf8')).toContain(
        'sarif_file: ${{ steps.jwt-audit.outputs.sarif-file }}',
      );
      // the config it wrote is accepted by a scan
      expect((await cli(['scan', 'src'], dir)).code).toBe(1);

      fs.writeFileSync(config, '{ "rules": {} }\n');
      const again = await cli(['init'], dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^jwt-audit: \.jwt-audit\.json and .*already exist.*--force/);
      expect(fs.readFileSync(config, 'utf8')).toBe('{ "rules": {} }\n');

      const forced = await cli(['init', '--force'], dir);
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(config, 'utf8')).toContain('"overrides"');
    },
  );
});

describe('README', () => {
  it('documents every scan option --help lists, and init', async () => {
    const help = (await cli(['scan', '--help'], REPO)).stdout;
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const options = [...new Set(help.match(/--[a-z][a-z-]+/g))];
    expect(options).toContain('--jobs');
    // in the Usage section, not only in passing elsewhere (--jobs was only under Performance)
    const usage = readme.slice(readme.indexOf('## Usage'), readme.indexOf('## Rules'));
    expect(options.filter((o) => !usage.includes(o))).toEqual([]);
    expect(readme).toContain('jwt-audit init');
    expect(readme).toContain('JWT_AUDIT_SKIP_BROWSER=1');
    for (const key of ['notAuthRoutes', 'overrides', '--max-warnings'])
      expect(readme).toContain(key);
  });
});

describe('html report', () => {
  const result = (file: string): ScanResult => {
    const location = {
      file,
      uri: 'src/auth.js',
      start: { line: 3, column: 1 },
      end: { line: 3, column: 5 },
    };
    return {
      toolVersion: '0.0.0',
      findings: [
        {
          ruleId: 'silent-verify-failure',
          severity: 'error',
          message: 'm',
          location,
          related: [],
          fingerprints: { primaryLocationLineHash: 'x:1', jwtAudit: 'y' },
        },
      ],
      notices: [],
      summary: {
        filesScanned: 1,
        filesSkipped: 0,
        testFilesSkipped: 0,
        findings: 1,
        bySeverity: { error: 1, warning: 0, note: 0 },
        byRule: { 'silent-verify-failure': 1 },
        suppressed: 0,
      },
      rules: [],
      inventory: { routes: [], verifySites: [], denylistChecks: [], monitors: [] },
    };
  };

  it('is titled after the scanned folder and shows its paths without ../', () => {
    const read: string[] = [];
    const html = htmlReporter(result('../other-app/src/auth.js'), {
      color: false,
      cwd: '/work/tmp',
      scanRoot: '/work/other-app',
      sourceLines: (file) => {
        read.push(file);
        return ['a', 'b', 'c', 'd', 'e'];
      },
    });
    expect(html).toContain('<title>jwt-audit report: other-app</title>');
    expect(html).not.toContain('../other-app');
    expect(html).toContain('src/auth.js:3:1');
    expect(read).toEqual(['../other-app/src/auth.js']); // the excerpt still reads the real file
    // code lines are blocks: no newline between them inside <pre>
    expect(html).not.toMatch(/<\/span>\n<span class="line/);
  });
});
