/**
 * A rule's help, rendered from its `meta` in exactly one place: `jwt-audit explain` prints the text
 * form, SARIF carries both (GitHub shows `help.markdown` in the alert and ignores `helpUri`, so the
 * docs link lives inside the Markdown).
 */
import { redactJwts } from './redact.js';
import type { RuleInfo, RuleMeta } from './types.js';

export const REPO_URL = 'https://github.com/jwt-audit/jwt-audit';

/** Where a rule's documentation lives (docs/rules/<id>.md in the repository). */
export function docsUrl(id: string): string {
  return `${REPO_URL}/blob/main/docs/rules/${encodeURIComponent(id)}.md`;
}

export function cweUrl(cwe: number): string {
  return `https://cwe.mitre.org/data/definitions/${cwe}.html`;
}

/** Titles of the CWEs jwt-audit's rules cite; others are shown by number only. */
const CWE_TITLES: Record<number, string> = {
  117: 'Improper Output Neutralization for Logs',
  223: 'Omission of Security-relevant Information',
  285: 'Improper Authorization',
  287: 'Improper Authentication',
  307: 'Improper Restriction of Excessive Authentication Attempts',
  345: 'Insufficient Verification of Data Authenticity',
  347: 'Improper Verification of Cryptographic Signature',
  390: 'Detection of Error Condition Without Action',
  532: 'Insertion of Sensitive Information into Log File',
  613: 'Insufficient Session Expiration',
  636: "Not Failing Securely ('Failing Open')",
  755: 'Improper Handling of Exceptional Conditions',
  770: 'Allocation of Resources Without Limits or Throttling',
  778: 'Insufficient Logging',
  799: 'Improper Control of Interaction Frequency',
};

export function cweLabel(cwe: number): string {
  const title = CWE_TITLES[cwe];
  return title ? `CWE-${cwe}: ${title}` : `CWE-${cwe}`;
}

/** A fence longer than any backtick run inside the code, so examples containing ``` stay intact. */
function fenced(code: string, lang: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${code.replace(/\s+$/, '')}\n${fence}`;
}

function indent(text: string, by = '    '): string {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

/**
 * Help in GitHub-flavoured Markdown: title, what, why, how to fix, bad/good example, references.
 */
export function renderHelpMarkdown(meta: RuleMeta): string {
  const references = [
    ...meta.cwe.map((n) => `- [${cweLabel(n)}](${cweUrl(n)})`),
    `- [jwt-audit documentation for \`${meta.id}\`](${docsUrl(meta.id)})`,
  ];
  const md = [
    `# ${meta.description} (\`${meta.id}\`)`,
    '',
    meta.fullDescription,
    '',
    '## Why it matters',
    '',
    meta.rationale,
    '',
    '## How to fix',
    '',
    meta.remedy,
    '',
    '## Example',
    '',
    'Flagged:',
    '',
    fenced(meta.examples.bad, 'ts'),
    '',
    'Fixed:',
    '',
    fenced(meta.examples.good, 'ts'),
    '',
    '## References',
    '',
    ...references,
    '',
  ].join('\n');
  return redactJwts(md);
}

/** The same help as plain text, for terminals (`jwt-audit explain`) and SARIF `help.text`. */
export function renderHelpText(meta: RuleMeta): string {
  const text = [
    `${meta.id} (${meta.level}): ${meta.description}`,
    '',
    meta.fullDescription,
    '',
    'Why it matters',
    indent(meta.rationale, '  '),
    '',
    'How to fix',
    indent(meta.remedy, '  '),
    '',
    'Flagged:',
    indent(meta.examples.bad),
    '',
    'Fixed:',
    indent(meta.examples.good),
    '',
    'References',
    ...meta.cwe.map((n) => `  ${cweLabel(n)} ${cweUrl(n)}`),
    `  Documentation: ${docsUrl(meta.id)}`,
    '',
  ].join('\n');
  return redactJwts(text);
}

/** Rule metadata plus its rendered help, as the CLI and reporters consume it. */
export function toRuleInfo(meta: RuleMeta): RuleInfo {
  return {
    ...meta,
    helpMarkdown: renderHelpMarkdown(meta),
    helpText: renderHelpText(meta),
    docsUrl: docsUrl(meta.id),
  };
}
