import { defineRule } from '../src/rule.js';

export default defineRule({
  meta: {
    id: 'invalid-suppression',
    name: 'InvalidSuppression',
    level: 'warning',
    description:
      'Require inline suppressions to name known rules, give a reason, and suppress something',
    fullDescription:
      'Reports `jwt-audit-disable-line` / `jwt-audit-disable-next-line` directives that ' +
      'have no `-- reason`, name a rule that does not exist, or no longer suppress any ' +
      'finding.',
    rationale:
      'Suppressions are security decisions. One without a reason cannot be reviewed, one ' +
      'naming a mistyped rule silently suppresses nothing, and a stale one hides the next ' +
      'real finding on that line.',
    remedy:
      'Write `// jwt-audit-disable-next-line <rule-id> -- <why this is safe>` with an ' +
      'existing rule id, and delete directives that no longer suppress anything.',
    examples: {
      bad: `// jwt-audit-disable-next-line silent-verify-failur
const payload = jwt.verify(token, secret);`,
      good:
        '// jwt-audit-disable-next-line silent-verify-failure -- ' +
        `errors are logged by the gateway (INC-123)
const payload = jwt.verify(token, secret);`,
    },
    cwe: [778],
    tags: ['maintainability'],
    precision: 'very-high',
    securitySeverity: 2.0,
    messages: {
      problem: '{{problem}}',
    },
  },
  phase: 'suppressions',
  check({ directiveProblems, report }) {
    for (const p of directiveProblems) {
      const d = p.directive;
      const span = {
        startLine: d.line,
        startColumn: d.column,
        endLine: d.line,
        endColumn: d.column + d.text.split('\n')[0].length,
      };
      report({
        at: { file: p.file, span, scope: `${p.kind}:${p.ruleId ?? '*'}`, code: d.text },
        messageId: 'problem',
        data: { problem: p.message },
      });
    }
  },
});
