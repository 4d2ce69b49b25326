import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'token-in-logs',
    name: 'TokenInLogs',
    level: 'error',
    description: 'Disallow writing whole tokens into logs and telemetry',
    fullDescription:
      'Finds log, telemetry and error-report calls that write a whole token: the ' +
      'Authorization header, a value derived from it without truncation, a variable or ' +
      'property named like a token (token, accessToken, refresh_token, jwt, bearer, ' +
      'idToken), or the result of signing a JWT.',
    rationale:
      'A logged token is a live credential in every log store, SIEM, support ticket and ' +
      'backup it reaches; anyone with read access to logs can replay it until it expires ' +
      '(CWE-532: Insertion of Sensitive Information into Log File).',
    remedy:
      'Log a non-reversible reference instead: a hash of the token, its `jti`, the user ' +
      'id, or the first few characters (`token.slice(0, 8)`). Use a redaction helper or ' +
      'your logger\'s redact option (pino `redact: ["req.headers.authorization"]`).',
    examples: {
      bad: `logger.info(\`refresh for \${user.id} with \${refreshToken}\`);`,
      good: `logger.info({ userId: user.id, token: refreshToken.slice(0, 8) }, 'refresh');`,
    },
    cwe: [532],
    tags: ['security', 'jwt', 'logging', 'secrets'],
    precision: 'high',
    securitySeverity: 7.5,
    messages: {
      tokenLogged: "'{{logger}}' writes {{what}}, a whole token, into the logs.",
    },
  },
  check({ facts, report, each }) {
    each(facts.tokenLogs, (t) => {
      const what = t.what.startsWith('the result of') ? t.what : `'${t.what}'`;
      report({
        at: t,
        messageId: 'tokenLogged',
        data: { logger: t.logger, what },
        related: [{ file: t.file, span: t.source, label: 'token value comes from here' }],
      });
    });
  },
});
