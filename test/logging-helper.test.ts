/**
 * The foundation's acceptance scenario: catch blocks that only call a logging helper imported from
 * another file are monitored, so nothing is reported; empty that helper and every one of those
 * catches becomes a silent verification failure. The helper's name says nothing (a name like
 * `logAuthFailure` counts as monitoring on its own, per the spec), so only its body decides. The
 * helper reaches the logger two calls down, and the call sites use ESM named, namespace and
 * CommonJS imports, and every failure-path shape (try/catch, await, .catch(), .then(_, onRejected),
 * node callback).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';

const ROOT = path.resolve('/virtual/helper-app');

const LOGGING_HELPER = `import pino from 'pino';
const logger = pino();
function record(event, err, fields) {
  logger.warn({ event, reason: err.name, ...fields }, 'token rejected');
}
export function onTokenRejected(err, fields = {}) {
  record('jwt.verify_failed', err, fields);
}
`;
const EMPTIED_HELPER = `export function onTokenRejected(err, fields = {}) {}
`;

const CALL_SITES: Record<string, string> = {
  'src/middleware/session.js': `import jwt from 'jsonwebtoken';
import { onTokenRejected } from '../audit/log.js';
export function session(req, res, next) {
  try {
    req.user = jwt.verify(req.cookies.session, process.env.SECRET);
    next();
  } catch (err) {
    onTokenRejected(err, { path: req.path });
    res.sendStatus(401);
  }
}
`,
  'src/middleware/bearer.ts': `import { jwtVerify } from 'jose';
import * as audit from '../audit/log.js';
const key = new TextEncoder().encode(process.env.SECRET);
export async function bearer(req, res, next) {
  try {
    const { payload } = await jwtVerify(req.headers.authorization?.slice(7) ?? '', key);
    req.user = payload;
    return next();
  } catch (err) {
    audit.onTokenRejected(err);
    return res.status(401).end();
  }
}
export function bearerLater(token: string) {
  return jwtVerify(token, key).catch((err) => {
    audit.onTokenRejected(err);
    return null;
  });
}
export function bearerThen(token: string) {
  return jwtVerify(token, key).then((r) => r.payload, (err) => {
    audit.onTokenRejected(err);
    return null;
  });
}
`,
  'src/sockets/handshake.cjs': `const jwt = require('jsonwebtoken');
const { onTokenRejected } = require('../audit/log.js');
module.exports = function handshake(socket, done) {
  jwt.verify(socket.handshake.auth.token, process.env.SECRET, (err, claims) => {
    if (err) {
      onTokenRejected(err, { socket: socket.id });
      return socket.disconnect(true);
    }
    socket.user = claims;
    done();
  });
};
`,
};

function run(helper: string) {
  const files: Record<string, string> = { ...CALL_SITES, 'src/audit/log.js': helper };
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
  return result.findings
    .map((f) => `${f.ruleId} ${f.location.file}:${f.location.start.line}`)
    .sort();
}

describe('catches that only call a logging helper from another file', () => {
  it('report nothing while the helper logs', () => {
    expect(run(LOGGING_HELPER)).toEqual([]);
  });

  it('are each reported once the helper is emptied', () => {
    expect(run(EMPTIED_HELPER)).toEqual(
      [
        'silent-verify-failure src/middleware/bearer.ts:6',
        'silent-verify-failure src/middleware/bearer.ts:15',
        'silent-verify-failure src/middleware/bearer.ts:21',
        'silent-verify-failure src/middleware/session.js:5',
        'silent-verify-failure src/sockets/handshake.cjs:4',
      ].sort(),
    );
  });
});
