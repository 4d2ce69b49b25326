import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { loadConfig, parseJson, validateConfig } from '../src/config.js';
import { UsageError } from '../src/errors.js';

const RULE_IDS = ['silent-verify-failure', 'missing-rate-limit', 'token-in-logs'];
const ROOT = path.resolve('/project');

/** loadConfig over an in-memory file system. */
function load(
  files: Record<string, string>,
  extra: { scanRoot?: string; configPath?: string } = {},
) {
  const abs = Object.fromEntries(Object.entries(files).map(([k, v]) => [path.join(ROOT, k), v]));
  return loadConfig({
    cwd: ROOT,
    scanRoot: extra.scanRoot ?? '.',
    configPath: extra.configPath,
    readFile: (file) => {
      if (!(file in abs)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return abs[file];
    },
    exists: (file) => file in abs,
    knownRuleIds: RULE_IDS,
  });
}

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError');
}

describe('loadConfig', () => {
  it('returns the defaults and no source when there is no config', () => {
    expect(load({})).toEqual({
      config: {
        rules: {},
        ignore: [],
        monitors: [],
        rateLimiters: [],
        authRoutes: [],
        notAuthRoutes: [],
        overrides: [],
      },
      source: null,
    });
  });

  it('reads .jwt-audit.json at the scan root', () => {
    const { config, source } = load({
      '.jwt-audit.json': JSON.stringify({
        rules: { 'missing-rate-limit': 'off', 'token-in-logs': 'warning' },
        ignore: ['legacy/'],
        monitors: ['auditTrail'],
        rateLimiters: ['gatekeeper'],
        authRoutes: ['^/sso/'],
        notAuthRoutes: ['^/admin/'],
        rateLimitedUpstream: { reason: 'Cloudflare rate limiting rules' },
        overrides: [{ files: ['admin/**'], rules: { 'token-in-logs': 'off' } }],
      }),
    });
    expect(source).toBe(path.join(ROOT, '.jwt-audit.json'));
    expect(config).toEqual({
      rules: { 'missing-rate-limit': 'off', 'token-in-logs': 'warning' },
      ignore: ['legacy/'],
      monitors: ['auditTrail'],
      rateLimiters: ['gatekeeper'],
      authRoutes: ['^/sso/'],
      notAuthRoutes: ['^/admin/'],
      rateLimitedUpstream: { reason: 'Cloudflare rate limiting rules' },
      // override globs are relative to the config file's folder
      overrides: [{ files: ['admin/**'], rules: { 'token-in-logs': 'off' }, base: ROOT }],
    });
  });

  it('reads the "jwt-audit" key of package.json, and ignores a package.json without one', () => {
    const withKey = load({
      'package.json': JSON.stringify({ name: 'x', 'jwt-audit': { monitors: ['track'] } }),
    });
    expect(withKey.config.monitors).toEqual(['track']);
    expect(withKey.source).toBe(path.join(ROOT, 'package.json'));
    expect(load({ 'package.json': '{"name":"x"}' }).source).toBeNull();
  });

  it('prefers .jwt-audit.json in the scan root, then walks up to cwd', () => {
    const files = {
      '.jwt-audit.json': '{"monitors":["root"]}',
      'services/api/.jwt-audit.json': '{"monitors":["api"]}',
    };
    expect(load(files, { scanRoot: 'services/api' }).config.monitors).toEqual(['api']);
    expect(load(files, { scanRoot: 'services/other' }).config.monitors).toEqual(['root']);
  });

  it('uses --config over anything discovered, and reports a missing one', () => {
    const files = {
      '.jwt-audit.json': '{"monitors":["found"]}',
      'ci/audit.json': '{"monitors":["explicit"]}',
    };
    expect(load(files, { configPath: 'ci/audit.json' }).config.monitors).toEqual(['explicit']);
    expect(usageError(() => load(files, { configPath: 'ci/none.json' }))).toMatch(
      /config file "ci\/none.json" does not exist/,
    );
  });

  it('rejects invalid JSON with line and column', () => {
    const message = usageError(() => load({ '.jwt-audit.json': '{\n  "ignore": ["a"],\n}\n' }));
    expect(message).toMatch(/invalid JSON in \.jwt-audit\.json at line 3, column 1/);
    expect(message).toMatch(/trailing comma/);
    const comment = usageError(() =>
      load({ '.jwt-audit.json': '{\n  // no comments\n  "ignore": []\n}' }),
    );
    expect(comment).toMatch(/line 2, column 3/);
  });

  it('rejects an unknown key, naming it', () => {
    expect(usageError(() => load({ '.jwt-audit.json': '{"rule": {}}' }))).toMatch(
      /unknown key "rule" in \.jwt-audit\.json/,
    );
    expect(usageError(() => load({ 'package.json': '{"jwt-audit": {"exclude": []}}' }))).toMatch(
      /unknown key "exclude" in package\.json#jwt-audit/,
    );
  });

  it('rejects a wrong severity, naming the key and the allowed values', () => {
    const message = usageError(() =>
      load({ '.jwt-audit.json': '{"rules": {"silent-verify-failure": "high"}}' }),
    );
    expect(message).toContain(
      'config: "rules.silent-verify-failure" must be one of off, note, warning, error',
    );
  });

  it('rejects an unknown rule id in rules', () => {
    expect(
      usageError(() => load({ '.jwt-audit.json': '{"rules": {"no-such-rule": "off"}}' })),
    ).toMatch(/unknown rule "no-such-rule"/);
  });

  it('rejects wrong types', () => {
    expect(usageError(() => validateConfig({ ignore: 'src' }, 'c.json', RULE_IDS))).toMatch(
      /"ignore" must be an array of strings/,
    );
    expect(usageError(() => validateConfig({ monitors: ['ok', 3] }, 'c.json', RULE_IDS))).toMatch(
      /"monitors\[1\]" must be a non-empty string/,
    );
    expect(
      usageError(() => validateConfig({ authRoutes: ['(unclosed'] }, 'c.json', RULE_IDS)),
    ).toMatch(/"authRoutes\[0\]" must be a valid regular expression/);
    expect(
      usageError(() => validateConfig({ rateLimitedUpstream: { reason: '' } }, 'c.json', RULE_IDS)),
    ).toMatch(/"rateLimitedUpstream.reason"/);
    expect(
      usageError(() => validateConfig({ rateLimitedUpstream: { why: 'x' } }, 'c.json', RULE_IDS)),
    ).toMatch(/unknown key "rateLimitedUpstream.why"/);
    expect(usageError(() => validateConfig([], 'c.json', RULE_IDS))).toMatch(/must be an object/);
  });
});

describe('parseJson', () => {
  it('points at the first error', () => {
    expect(usageError(() => parseJson('{"a": 1 "b": 2}', 'x.json'))).toMatch(
      /line 1, column 9: expected "," or "}"/,
    );
    expect(usageError(() => parseJson('{"a": [1, 2}', 'x.json'))).toMatch(/line 1, column 12/);
    expect(usageError(() => parseJson('', 'x.json'))).toMatch(
      /line 1, column 1: expected a value, unexpected end of file/,
    );
    expect(parseJson('\ufeff{"a": 1}', 'x.json')).toEqual({ a: 1 });
  });
});
