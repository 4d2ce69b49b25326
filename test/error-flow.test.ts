/**
 * Where a propagated error ends (SPEC): the same verification forwarding a 401 is silent when the
 * app's error middleware logs only server errors, and monitored once that middleware logs every
 * error; the inventory lists the handler and whether it records a 4xx. Calls that resolve to
 * non-recording APIs (Math.log) are never monitors.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';

const ROOT = path.resolve('/virtual/error-flow-app');

const APP = `const express = require('express');
const jwt = require('jsonwebtoken');
const createError = require('http-errors');
const handleErrors = require('./errors');
const app = express();
app.use((req, res, next) => {
  try {
    req.user = jwt.verify(req.get('authorization'), process.env.SECRET);
    next();
  } catch (err) {
    next(createError(401));
  }
});
app.get('/me', (req, res) => res.json(req.user));
app.use(handleErrors);
module.exports = app;
`;
const ERRORS_5XX = `module.exports = function handleErrors(err, req, res, next) {
  const status = err.status || 500;
  if (status >= 500) console.error(err);
  res.status(status).end();
};
`;
const ERRORS_ALL = `module.exports = function handleErrors(err, req, res, next) {
  console.warn(err.status, err.message);
  res.status(err.status || 500).end();
};
`;
const MATH_LOG = `const jwt = require('jsonwebtoken');
module.exports = function optional(token) {
  try {
    return jwt.verify(token, process.env.SECRET);
  } catch {
    return Math.log(2);
  }
};
`;

function run(files: Record<string, string>) {
  const abs = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [path.join(ROOT, name), text]),
  );
  const result = scan({
    files: Object.keys(abs).sort(),
    cwd: ROOT,
    repoRoot: ROOT,
    readFile: (f) => abs[f],
    config: DEFAULT_CONFIG,
  });
  expect(result.notices.filter((n) => n.kind === 'rule-error')).toEqual([]);
  return result;
}

describe('error flow', () => {
  it('a 401 forwarded into error middleware that logs only 5xx is a silent failure', () => {
    const result = run({ 'app.js': APP, 'errors.js': ERRORS_5XX });
    const silent = result.findings.filter((f) => f.ruleId === 'silent-verify-failure');
    expect(silent.map((f) => `${f.location.file}:${f.location.start.line}`)).toEqual(['app.js:8']);
    expect(silent[0].related.map((r) => `${r.label}@${r.file}`)).toContain(
      'answered here without a log@errors.js',
    );
    expect(result.inventory.errorHandlers?.map((h) => [h.location.file, h.records4xx])).toEqual([
      ['errors.js', false],
    ]);
  });

  it('the same forward into error middleware that logs every error is monitored', () => {
    const result = run({ 'app.js': APP, 'errors.js': ERRORS_ALL });
    expect(result.findings.filter((f) => f.ruleId === 'silent-verify-failure')).toEqual([]);
    expect(result.inventory.errorHandlers?.[0].records4xx).toBe(true);
  });

  it('Math.log in a catch is not monitoring, and the inventory does not list it', () => {
    const result = run({ 'optional.js': MATH_LOG });
    expect(result.findings.map((f) => f.ruleId)).toContain('silent-verify-failure');
    expect(result.inventory.monitors.map((m) => m.name)).not.toContain('Math.log');
  });
});
