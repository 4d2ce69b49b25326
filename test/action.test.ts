/**
 * action.yml, the composite GitHub Action: its shape (parsed with `yaml`), the rule that inputs
 * reach scripts only through `env:` (an expression inlined into `run:` is pasted into the script
 * before bash parses it: script injection), and its behaviour, by running its steps the way the
 * runner does (`bash --noprofile --norc -eo pipefail`, `$GITHUB_OUTPUT`, `$GITHUB_ACTION_PATH`)
 * against a copy of test/data/ci-app.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = path.join(REPO, 'test/data/ci-app');

interface Step {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  if?: string;
  'working-directory'?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const ACTION = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as Action;
const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

describe('action.yml', () => {
  it('is a composite action with described inputs and outputs', () => {
    expect(ACTION.name).toBe('jwt-audit');
    expect(ACTION.description).toMatch(/JWT/);
    expect(ACTION.runs.using).toBe('composite');
    expect(Object.keys(ACTION.inputs)).toEqual(
      expect.arrayContaining([
        'paths',
        'fail-on',
        'baseline',
        'since',
        'config',
        'sarif-file',
        'working-directory',
        'version',
      ]),
    );
    for (const [name, input] of Object.entries(ACTION.inputs)) {
      expect(input.description, name).toMatch(/\.$/);
      expect(input.required ?? false, name).toBe(false);
    }
    const ids = new Set(ACTION.runs.steps.map((s) => s.id));
    for (const [name, output] of Object.entries(ACTION.outputs)) {
      expect(output.description, name).not.toBe('');
      const ref = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(output.value);
      expect(ref, name).not.toBeNull();
      expect(ids.has(ref![1]), name).toBe(true);
    }
  });

  it('runs every script in bash and inlines no expression into a script', () => {
    const scripts = ACTION.runs.steps.filter((s) => s.run !== undefined);
    expect(scripts.length).toBeGreaterThan(0);
    for (const step of scripts) {
      expect(step.shell, step.name).toBe('bash');
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
      expect(step.run, step.name).toMatch(/^set -euo pipefail\n/);
    }
    // Nor in any other value the runner might hand to a shell.
    for (const step of ACTION.runs.steps) {
      expect(step['working-directory'] ?? '', step.name).not.toMatch(/\$\{\{/);
      expect(step.if ?? '', step.name).not.toMatch(/inputs\./);
    }
  });

  it('passes every input to the scripts through env, and every env variable is used', () => {
    const viaEnv = new Map<string, string>();
    for (const step of ACTION.runs.steps) {
      for (const [variable, value] of Object.entries(step.env ?? {})) {
        const whole = /^\$\{\{ (inputs|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))? \}\}$/.exec(value);
        expect(whole, `${step.name}: ${variable}`).not.toBeNull();
        if (whole![1] === 'inputs') viaEnv.set(whole![2], variable);
        expect(step.run, `${step.name} does not use $${variable}`).toContain(`"$${variable}"`);
      }
    }
    expect([...viaEnv.keys()].sort()).toEqual(Object.keys(ACTION.inputs).sort());
    // No input reaches a step any other way (`with:`, a `uses:` ref).
    for (const step of ACTION.runs.steps) {
      expect(JSON.stringify({ ...step, env: undefined })).not.toMatch(/inputs\./);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Running the action
// ---------------------------------------------------------------------------------------------

interface ActionRun {
  status: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs the action's steps as the runner does: expressions (only `inputs.*` and
 * `steps.<id>.outputs.*` are allowed) evaluated in env values, scripts run by
 * `bash --noprofile --norc -eo pipefail`, outputs collected from `$GITHUB_OUTPUT`. Stops at the
 * first failing step.
 */
function runAction(workspace: string, given: Record<string, string>): ActionRun {
  for (const name of Object.keys(given)) expect(Object.keys(ACTION.inputs)).toContain(name);
  const inputs = Object.fromEntries(
    Object.entries(ACTION.inputs).map(([name, input]) => [
      name,
      given[name] ?? input.default ?? '',
    ]),
  );
  const stepOutputs: Record<string, Record<string, string>> = {};
  const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-runner-'));
  dirs.push(runnerTemp);
  const summaryFile = path.join(runnerTemp, 'step-summary.md');
  fs.writeFileSync(summaryFile, '');
  const evaluate = (value: string): string =>
    value.replace(EXPRESSION, (_, expression: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expression);
      if (input) return inputs[input[1]];
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
      if (output) return stepOutputs[output[1]]?.[output[2]] ?? '';
      throw new Error(`the test runner does not evaluate \${{ ${expression} }}`);
    });
  let stdout = '';
  let status = 0;
  for (const step of ACTION.runs.steps) {
    const outputFile = path.join(runnerTemp, `output-${step.id}`);
    fs.writeFileSync(outputFile, '');
    const script = path.join(runnerTemp, `${step.id}.sh`);
    fs.writeFileSync(script, step.run!);
    const env: Record<string, string | undefined> = {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: REPO,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: runnerTemp,
      FORCE_COLOR: undefined,
    };
    for (const [variable, value] of Object.entries(step.env ?? {})) env[variable] = evaluate(value);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    stdout += r.stdout + r.stderr;
    stepOutputs[step.id!] = Object.fromEntries(
      fs
        .readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    status = r.status ?? -1;
    if (status !== 0) break;
  }
  const outputs = Object.fromEntries(
    Object.entries(ACTION.outputs).map(([name, output]) => [name, evaluate(output.value)]),
  );
  return { status, stdout, outputs, summary: fs.readFileSync(summaryFile, 'utf8') };
}

/**
 * The action runs the built bin/jwt-audit.js in child processes, as a runner does; dist/ is built
 * before any test file runs (test/global-setup.ts).
 */
const dirs: string[] = [];
function workspace(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-action-')));
  dirs.push(dir);
  fs.cpSync(APP, dir, { recursive: true });
  return dir;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('running the action', () => {
  it('writes SARIF, annotates, summarises the job and fails on findings', () => {
    const dir = workspace();
    const r = runAction(dir, { paths: 'src' });
    expect(r.status).toBe(1);
    expect(r.outputs).toEqual({
      'sarif-file': path.join(dir, 'jwt-audit.sarif'),
      findings: '3',
      'exit-code': '1',
    });
    const sarif = JSON.parse(fs.readFileSync(r.outputs['sarif-file'], 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual([
      'silent-verify-failure',
      'fail-open-verify',
      'silent-verify-failure',
    ]);
    expect(r.stdout).toMatch(/^::error file=src\/middleware\/auth\.js,line=8,/m);
    expect(r.stdout).toMatch(/^jwt-audit: 3 errors, 0 warnings, 0 notes in 2 files/m);
    expect(r.stdout).toMatch(
      /^::error title=jwt-audit::jwt-audit found problems at or above "warning"/m,
    );
    expect(r.summary).toContain('## jwt-audit');
  });

  it(
    'passes with fail-on none or an up-to-date baseline, and reports only new findings ' +
      'against it',
    () => {
      const dir = workspace();
      expect(
        runAction(dir, {
          'fail-on': 'none',
          'sarif-file': 'reports/base.sarif',
          annotations: 'false',
        }),
      ).toMatchObject({
        status: 0,
        stdout: expect.not.stringMatching(/^::/m),
        outputs: { findings: '3', 'exit-code': '0' },
        summary: '',
      });
      expect(runAction(dir, { baseline: 'reports/base.sarif' })).toMatchObject({
        status: 0,
        outputs: { findings: '0', 'exit-code': '0' },
      });
      fs.appendFileSync(
        path.join(dir, 'src/services/tokens.ts'),
        `\nexport function peek(t: string) {\n  try {\n    return jwt.verify(t, 'k');\n  } ` +
          `catch {\n    return undefined;\n  }\n}\n`,
      );
      const r = runAction(dir, { baseline: 'reports/base.sarif', 'fail-on': 'error' });
      expect(r).toMatchObject({ status: 1, outputs: { findings: '1', 'exit-code': '1' } });
      expect(r.stdout.match(/^::error file=/gm)).toHaveLength(1);
    },
  );

  it('honours working-directory, several paths, config and since', () => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-action-mono-')));
    dirs.push(root);
    fs.cpSync(APP, path.join(root, 'services/api'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'services/api/ci.json'),
      '{"rules": {"fail-open-verify": "off"}}',
    );
    const r = runAction(root, {
      'working-directory': 'services/api',
      paths: 'src/middleware\nsrc/routes  src/app.js',
      config: 'ci.json',
    });
    expect(r.status).toBe(1);
    expect(r.outputs).toMatchObject({
      'sarif-file': path.join(root, 'services/api/jwt-audit.sarif'),
      findings: '1',
    });
    // SARIF paths are relative to the repository root (here: no git, so the working directory).
    expect(r.stdout).toMatch(/^::error file=src\/middleware\/auth\.js,line=8,/m);

    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', ...args], {
        cwd: root,
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    const since = runAction(root, { 'working-directory': 'services/api', since: 'HEAD' });
    expect(since).toMatchObject({ status: 0, outputs: { findings: '0' } });
    const sarif = JSON.parse(
      fs.readFileSync(path.join(root, 'services/api/jwt-audit.sarif'), 'utf8'),
    );
    expect(sarif.runs[0].results).toEqual([]);
  });

  it('fails on more warnings than max-warnings, even with fail-on none', () => {
    const dir = workspace();
    fs.writeFileSync(
      path.join(dir, 'src/routes/login.js'),
      [
        "const express = require('express');",
        "const jwt = require('jsonwebtoken');",
        'const router = express.Router();',
        "router.post('/login', (req, res) => res.json({ token: jwt.sign({ sub: req.body.id " +
          "}, 'k') }));",
        'module.exports = router;',
        '',
      ].join('\n'),
    );
    expect(runAction(dir, { 'fail-on': 'none', 'max-warnings': '0' })).toMatchObject({
      status: 1,
      outputs: { 'exit-code': '1' },
    });
    expect(runAction(dir, { 'fail-on': 'none', 'max-warnings': '5' })).toMatchObject({
      status: 0,
      outputs: { 'exit-code': '0' },
    });
    expect(runAction(dir, { 'max-warnings': 'many' })).toMatchObject({
      status: 2,
      stdout: expect.stringContaining('input max-warnings must be a whole number.'),
    });
  });

  it('fails with exit 2 on bad inputs and scan errors, and inputs cannot run commands', () => {
    const dir = workspace();
    expect(runAction(dir, { 'fail-on': 'sometimes' })).toMatchObject({
      status: 2,
      stdout: expect.stringContaining('input fail-on must be error, warning, note or none.'),
    });
    expect(runAction(dir, { annotations: 'yes' }).status).toBe(2);
    expect(runAction(dir, { version: '1.0.0; touch pwned' }).status).toBe(2);
    const missing = runAction(dir, { paths: 'no-such-dir' });
    expect(missing).toMatchObject({ status: 2, outputs: { 'exit-code': '2' } });
    expect(missing.stdout).toMatch(/^::error title=jwt-audit::the scan failed \(exit 2\)/m);
    // Quotes, command substitution, globs and option look-alikes stay data.
    const hostile = runAction(dir, {
      paths: '$(touch pwned-paths) `touch pwned-ticks` *',
      since: '--output=pwned-since',
      config: "'; touch pwned-config; '",
      'sarif-file': '$(touch pwned-sarif).sarif',
    });
    expect(hostile.status).toBe(2);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
});

describe('docs/ci.md', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs/ci.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

  it(
    'shows a complete workflow: checkout, the action, SARIF upload with security-events: ' +
      'write even on failure',
    () => {
      const workflow = parse(blocks[0]) as {
        on: Record<string, unknown>;
        jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
      };
      expect(Object.keys(workflow.on)).toEqual(['push', 'pull_request']);
      const [job] = Object.values(workflow.jobs);
      expect(job.permissions['security-events']).toBe('write');
      const uses = job.steps.map((s) => s.uses?.replace(/@.*$/, ''));
      expect(uses).toEqual([
        'actions/checkout',
        'jwt-audit/jwt-audit',
        'github/codeql-action/upload-sarif',
      ]);
      const [, scan, upload] = job.steps;
      for (const input of Object.keys(scan.with ?? {}))
        expect(Object.keys(ACTION.inputs)).toContain(input);
      expect(upload.uses).toBe('github/codeql-action/upload-sarif@v3');
      expect(upload.if).toMatch(/^always\(\)/);
      expect(upload.with?.sarif_file).toBe(`\${{ steps.${scan.id}.outputs.sarif-file }}`);
    },
  );

  it('the workflow without the action fails on findings and still uploads', () => {
    const steps = parse(blocks[1]) as Step[];
    const run = steps.find((s) => s.run !== undefined)!;
    expect(run.run).toMatch(
      /^npx --yes jwt-audit@[\d.]+ scan .*--format sarif --output jwt-audit\.sarif$/,
    );
    expect(run.run).not.toMatch(/--fail-on none|\|\| true/);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@v3'))!;
    expect(upload).toMatchObject({ if: 'always()', with: { sarif_file: 'jwt-audit.sarif' } });
  });

  it('documents every input of action.yml with its default', () => {
    const rows = new Map(
      [...doc.matchAll(/^\| `([\w-]+)` \| ?(`[^`]*`)? ?\|/gm)].map((m) => [
        m[1],
        m[2]?.slice(1, -1) ?? '',
      ]),
    );
    for (const [name, input] of Object.entries(ACTION.inputs))
      expect(rows.get(name), name).toBe(input.default ?? '');
    expect([...rows.keys()].sort()).toEqual(Object.keys(ACTION.inputs).sort());
    for (const name of Object.keys(ACTION.outputs)) expect(doc).toContain(`\`${name}\``);
  });
});
