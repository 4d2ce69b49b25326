/**
 * The HTML report: escaping and redaction as unit tests, then the real thing in a real browser
 * (Debian's chromium driven by playwright-core): the fixtures scan plus a hostile file, whose
 * counts must equal the json report's, whose filters must hide what they filter, and whose
 * injected markup must stay text; then a scan of a folder outside the working directory, whose page
 * must be titled after it and lay out its code and routes table properly. `.ci/run` installs
 * chromium; without it this suite fails (set JWT_AUDIT_SKIP_BROWSER=1 to skip the browser part
 * deliberately).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { escapeHtml, htmlReporter } from '../src/reporters/html.js';
import type { ScanResult } from '../src/types.js';
import { REPO, runCli } from './cli-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const INJECTION = '</script><img src=x onerror=alert(1)>';

/** A hostile source file: markup in strings and comments near a real finding, and a literal JWT. */
const HOSTILE = `import jwt from 'jsonwebtoken';
// ${INJECTION} <script>window.__pwned = true</script>
export function auth(req, res, next) {
  try {
    req.user = jwt.verify(req.cookies.token, '${INJECTION}');
    next();
  } catch (err) {
    return res.status(401).send('${INJECTION} ${JWT}');
  }
}
`;

function result(message: string): ScanResult {
  const location = {
    file: `src/${INJECTION}.js`,
    uri: 'src/x.js',
    start: { line: 1, column: 1 },
    end: { line: 1, column: 5 },
  };
  return {
    toolVersion: '0.0.0',
    findings: [
      {
        ruleId: 'silent-verify-failure',
        severity: 'error',
        message,
        location,
        related: [{ ...location, label: INJECTION }],
        fingerprints: { primaryLocationLineHash: 'x:1', jwtAudit: 'y' },
      },
    ],
    notices: [{ kind: 'parse-error', level: 'warning', message: INJECTION, file: 'a.js' }],
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
    inventory: {
      routes: [
        {
          framework: 'express',
          method: 'POST',
          path: `/${INJECTION}`,
          location,
          authReason: INJECTION,
          limiter: null,
        },
      ],
      verifySites: [],
      denylistChecks: [],
      monitors: [],
    },
  };
}

describe('html escaping', () => {
  it('escapes markup and quotes, and redacts JWTs', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&${JWT}`)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;eyJ…[redacted]',
    );
  });

  it(
    'renders scanned text only as text: messages, ' + 'paths, labels, inventory, notices, excerpts',
    () => {
      const html = htmlReporter(result(`Failure ${INJECTION} ${JWT}`), {
        color: false,
        cwd: '/p',
        sourceLines: () => [`const t = '${INJECTION}';`],
      });
      expect(html).not.toContain('<img');
      expect(html).not.toContain(JWT);
      expect(html.match(/<script>/g)).toHaveLength(1); // only the report's own script
      expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // no remote resources
    },
  );
});

describe.skipIf(process.env.JWT_AUDIT_SKIP_BROWSER === '1')('html report in a browser', () => {
  let dir: string;
  let reportFile: string;
  let json: {
    summary: {
      bySeverity: Record<string, number>;
      byRule: Record<string, number>;
      findings: number;
    };
  };

  beforeAll(async () => {
    expect(
      fs.existsSync(CHROMIUM),
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or ` +
        `set JWT_AUDIT_SKIP_BROWSER=1`,
    ).toBe(true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-html-'));
    fs.mkdirSync(path.join(dir, 'hostile'));
    fs.writeFileSync(path.join(dir, 'hostile', 'auth.js'), HOSTILE);
    reportFile = path.join(dir, 'report.html');
    const targets = [path.join(REPO, 'fixtures'), path.join(dir, 'hostile')];
    const html = await runCli(REPO, [
      'scan',
      ...targets,
      '--format',
      'html',
      '--output',
      reportFile,
      '--fail-on',
      'none',
    ]);
    expect(html.status, html.stderr).toBe(0);
    const out = await runCli(REPO, ['scan', ...targets, '--format', 'json', '--fail-on', 'none']);
    expect(out.status, out.stderr).toBe(0);
    json = JSON.parse(out.stdout);
  }, 120_000);

  afterAll(() => {
    // the screenshot stays for inspection; only a passing run cleans up after itself
  });

  it('shows the json counts, filters by rule, ' +
    'keeps injected markup inert, makes no requests', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`file://${reportFile}`);

      // counts shown = the json report's
      const count = async (id: string) => Number(await page.textContent(`[data-testid=${id}]`));
      expect(await count('count-total')).toBe(json.summary.findings);
      for (const s of ['error', 'warning', 'note'])
        expect(await count(`count-${s}`)).toBe(json.summary.bySeverity[s]);
      expect(await page.locator('li.finding').count()).toBe(json.summary.findings);

      // filtering by one rule hides the others
      const rule = 'token-in-logs';
      await page.selectOption('[data-testid=rule-filter]', rule);
      const visible = page.locator('li.finding:visible');
      expect(await visible.count()).toBe(json.summary.byRule[rule]);
      const rules = await visible.evaluateAll((els) => [
        ...new Set(els.map((e) => e.getAttribute('data-rule'))),
      ]);
      expect(rules).toEqual([rule]);
      expect(await page.textContent('[data-testid=visible-count]')).toBe(
        `${json.summary.byRule[rule]} shown`,
      );

      // the search box narrows further; clearing the filters brings everything back
      await page.selectOption('[data-testid=rule-filter]', '');
      await page.fill('[data-testid=search]', 'hostile');
      expect(await page.locator('li.finding:visible').count()).toBeGreaterThan(0);
      expect(
        await page
          .locator('li.finding:visible')
          .evaluateAll((els) =>
            els.every((e) => (e.getAttribute('data-search') ?? '').includes('hostile')),
          ),
      ).toBe(true);
      await page.fill('[data-testid=search]', '');
      expect(await page.locator('li.finding:visible').count()).toBe(json.summary.findings);

      // the hostile file rendered as text: no image, no script ran, the markup is visible text
      expect(await page.locator('img').count()).toBe(0);
      expect(
        await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned),
      ).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(
        await page.locator('pre.excerpt', { hasText: '<img src=x onerror=alert(1)>' }).count(),
      ).toBeGreaterThan(0);
      expect(await page.content()).not.toContain(JWT);

      // keyboard: the rule filter is reachable with Tab
      await page.focus('[data-testid=search]');
      await page.keyboard.press('Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'rule-filter',
      );

      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: false });
      expect(fs.statSync(path.join(dir, 'report.png')).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

/** A login route with a long path and no limiter: a wide row in the routes table. */
const LONG_ROUTE =
  `const express = require('express');
const jwt = require('jsonwebtoken');
const app = express();
app.post('/api/v2/organisations/:organisationId/applications/:applicationId/` +
  `sessions/login-with-password-and-one-time-code', (req, res) => {
  res.json({ token: jwt.sign({ sub: req.body.user }, process.env.SECRET) });
});
module.exports = app;
`;

describe.skipIf(process.env.JWT_AUDIT_SKIP_BROWSER === '1')(
  'html report of a folder outside the working directory, in a browser',
  () => {
    it('is titled after the scanned folder, shows no ../ paths, code lines without blank ' +
      'lines between them, and a routes table inside its column', async () => {
      expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing`).toBe(true);
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-html-other-'));
      const app = path.join(parent, 'other-app');
      fs.mkdirSync(path.join(app, 'src'), { recursive: true });
      fs.writeFileSync(path.join(app, 'src', 'auth.js'), HOSTILE);
      fs.writeFileSync(path.join(app, 'src', 'routes.js'), LONG_ROUTE);
      const reportFile = path.join(parent, 'report.html');
      // run from the repository: the scanned folder is outside the working directory
      const out = await runCli(REPO, [
        'scan',
        app,
        '--format',
        'html',
        '--output',
        reportFile,
        '--fail-on',
        'none',
      ]);
      expect(out.status, out.stderr).toBe(0);

      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
        await page.goto(`file://${reportFile}`);
        expect.soft(await page.title()).toBe('jwt-audit report: other-app');
        expect.soft(await page.locator('body').textContent()).not.toContain('../');
        expect(await page.locator('code.loc', { hasText: 'src/auth.js:' }).count()).toBeGreaterThan(
          0,
        );

        // every code line starts where the one above it ends: no blank line between them
        const excerpts = await page.locator('pre.excerpt').evaluateAll((pres) =>
          pres.map((pre) => {
            const lines = [...pre.querySelectorAll('.line')].map((l) => l.getBoundingClientRect());
            const gaps = lines.slice(1).map((r, i) => Math.round(r.top - lines[i].bottom));
            // biome-ignore lint/performance/useDomNodeTextContent: rendered text, with blank lines
            return { lines: lines.length, gaps, text: (pre as HTMLElement).innerText };
          }),
        );
        expect(excerpts.length).toBeGreaterThan(0);
        for (const e of excerpts) {
          expect(e.lines).toBeGreaterThan(1);
          expect(e.gaps.every((g) => g === 0)).toBe(true);
          expect(e.text.split('\n').filter((l) => l !== '').length).toBe(e.lines);
        }

        // the routes table stays inside its section, however long a path is
        const fit = await page.locator('table.routes').evaluate((table) => {
          const box = table.getBoundingClientRect();
          const column = table.closest('section')!.getBoundingClientRect();
          return { right: box.right, column: column.right, text: table.textContent ?? '' };
        });
        expect(fit.text).toContain('login-with-password-and-one-time-code');
        expect(fit.right).toBeLessThanOrEqual(fit.column + 0.5);
      } finally {
        await browser.close();
      }
      fs.rmSync(parent, { recursive: true, force: true });
    }, 120_000);
  },
);
