import { describe, expect, it } from 'vitest';
import { computeLineHashes, normaliseCode, ownFingerprint } from '../src/fingerprints.js';

/**
 * Test vectors from github/codeql-action `src/fingerprints.test.ts` (test 'hash'): the upload
 * action recomputes primaryLocationLineHash and warns when ours differs, so these must match
 * exactly.
 */
const CODEQL_ACTION_VECTORS: Array<[string, string[]]> = [
  ['', ['c129715d7a2bc9a3:1']],
  [
    ' a\nb\n  \t\tc\n d',
    ['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1'],
  ],
  [
    ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End',
    [
      '8b7cf3e952e7aeb2:1',
      'b1ae1287ec4718d9:1',
      'bff680108adb0fcc:1',
      'c6805c5e1288b612:1',
      'b86d3392aea1be30:1',
      'e6ceba753e1a442:1',
    ],
  ],
  [
    ' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n',
    [
      'e9496ae3ebfced30:1',
      'fb7c023a8b9ccb3f:1',
      'ce8ba1a563dcdaca:1',
      'e20e36e16fcb0cc8:1',
      'b3edc88f2938467e:1',
      'c8e28b0b4002a3a0:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
  [
    ' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r',
    [
      'e9496ae3ebfced30:1',
      'fb7c023a8b9ccb3f:1',
      'ce8ba1a563dcdaca:1',
      'e20e36e16fcb0cc8:1',
      'b3edc88f2938467e:1',
      'c8e28b0b4002a3a0:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
  [
    ' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n',
    [
      'e9496ae3ebfced30:1',
      'fb7c023a8b9ccb3f:1',
      'ce8ba1a563dcdaca:1',
      'e20e36e16fcb0cc8:1',
      'b3edc88f2938467e:1',
      'c8e28b0b4002a3a0:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
  [
    ' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n',
    [
      'e9496ae3ebfced30:1',
      'fb7c023a8b9ccb3f:1',
      'ce8ba1a563dcdaca:1',
      'e20e36e16fcb0cc8:1',
      'b3edc88f2938467e:1',
      'c8e28b0b4002a3a0:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
  [
    'Lorem ipsum dolor sit amet.\n'.repeat(10),
    [
      'a7f2ff13bc495cf2:1',
      'a7f2ff13bc495cf2:2',
      'a7f2ff13bc495cf2:3',
      'a7f2ff13bc495cf2:4',
      'a7f2ff13bc495cf2:5',
      'a7f2ff13bc495cf2:6',
      'a7f2ff1481e87703:1',
      'a9cf91f7bbf1862b:1',
      '55ec222b86bcae53:1',
      'cc97dc7b1d7d8f7b:1',
      'c129715d7a2bc9a3:1',
    ],
  ],
];

/**
 * The codeql-action algorithm written the obvious way, with BigInt, to cross-check the fast one.
 */
function referenceLineHashes(text: string): string[] {
  const BLOCK = 100;
  const mask = (x: bigint) => BigInt.asUintN(64, x);
  let firstMod = 1n;
  for (let i = 0; i < BLOCK; i++) firstMod = mask(firstMod * 37n);
  const window: number[] = Array(BLOCK).fill(0);
  const lineNumbers: number[] = Array(BLOCK).fill(-1);
  const counts: Record<string, number> = {};
  const out: string[] = [];
  let h = 0n;
  let index = 0;
  let line = 0;
  let lineStart = true;
  let prevCR = false;
  const emit = () => {
    const hex = h.toString(16);
    counts[hex] = (counts[hex] ?? 0) + 1;
    out[lineNumbers[index] - 1] = `${hex}:${counts[hex]}`;
    lineNumbers[index] = -1;
  };
  const update = (c: number) => {
    const begin = window[index];
    window[index] = c;
    h = mask(37n * h + BigInt(c) - firstMod * BigInt(begin));
    index = (index + 1) % BLOCK;
  };
  const proc = (c: number) => {
    if (c === 32 || c === 9 || (prevCR && c === 10)) {
      prevCR = false;
      return;
    }
    if (c === 13) {
      c = 10;
      prevCR = true;
    } else prevCR = false;
    if (lineNumbers[index] !== -1) emit();
    if (lineStart) {
      lineStart = false;
      lineNumbers[index] = ++line;
    }
    if (c === 10) lineStart = true;
    update(c);
  };
  for (let i = 0; i < text.length; i++) proc(text.charCodeAt(i));
  proc(65535);
  for (let i = 0; i < BLOCK; i++) {
    if (lineNumbers[index] !== -1) emit();
    update(0);
  }
  return out;
}

describe('computeLineHashes (GitHub primaryLocationLineHash)', () => {
  it.each(CODEQL_ACTION_VECTORS.map(([input, expected], i) => ({ i, input, expected })))(
    'matches codeql-action test vector #$i',
    ({ input, expected }) => {
      const hashes = computeLineHashes(input);
      expect(hashes).toEqual(expected);
      expect(hashes).toHaveLength(input.split(/\r\n|\r|\n/).length);
    },
  );

  it(
    'agrees with a BigInt implementation on code with long lines, unicode, tabs and mixed ' +
      'newlines',
    () => {
      const sample = [
        "import jwt from 'jsonwebtoken';",
        '\tconst payload = jwt.verify(req.headers.authorization.slice(7), ' +
          'process.env.JWT_SECRET, { algorithms: ["HS256"], maxAge: "15m" });',
        '  // ünïcödé — 日本語 😀\r',
        '} catch (err) {\r\n  return res.status(401).json({ error: "invalid token" });',
        'x'.repeat(250),
        '',
        '\uFEFFbom',
      ].join('\n');
      for (const text of [sample, sample.repeat(7), sample.slice(0, 99), sample.slice(0, 101)]) {
        expect(computeLineHashes(text)).toEqual(referenceLineHashes(text));
      }
    },
  );

  it('gives one hash per line even for blank-only files', () => {
    expect(computeLineHashes('\n\n')).toHaveLength(3);
    expect(computeLineHashes('  \t ')).toEqual(referenceLineHashes('  \t '));
  });
});

describe('ownFingerprint', () => {
  const base = {
    ruleId: 'silent-verify-failure',
    uri: 'src/auth.ts',
    enclosing: 'authenticate',
    code: 'jwt.verify(token, secret)',
  };

  it('is a stable 32-digit hex string', () => {
    expect(ownFingerprint(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(ownFingerprint(base)).toBe(ownFingerprint({ ...base }));
  });

  it('ignores formatting of the code', () => {
    expect(ownFingerprint({ ...base, code: 'jwt.verify(\n    token,\n    secret\n)' })).toBe(
      ownFingerprint(base),
    );
    expect(ownFingerprint({ ...base, code: '  jwt . verify ( token , secret )  ' })).toBe(
      ownFingerprint(base),
    );
  });

  it('changes with rule, file, enclosing function and code', () => {
    const fp = ownFingerprint(base);
    expect(ownFingerprint({ ...base, ruleId: 'fail-open-verify' })).not.toBe(fp);
    expect(ownFingerprint({ ...base, uri: 'src/other.ts' })).not.toBe(fp);
    expect(ownFingerprint({ ...base, enclosing: 'refresh' })).not.toBe(fp);
    expect(ownFingerprint({ ...base, code: 'jwt.verify(token, otherSecret)' })).not.toBe(fp);
  });

  it('keeps a space only between word characters', () => {
    expect(normaliseCode('return   token ;\n  await  x ( y )')).toBe('return token;await x(y)');
    // Field boundaries cannot be forged by putting separators in the parts.
    expect(ownFingerprint({ ...base, uri: 'a', enclosing: 'b' })).not.toBe(
      ownFingerprint({ ...base, uri: 'a","b', enclosing: '' }),
    );
  });
});
