/**
 * Fingerprints that let a finding be recognised again after the code around it moved.
 *
 * - `computeLineHashes` reproduces GitHub's `primaryLocationLineHash`, the one fingerprint code
 *   scanning uses to match alerts across commits. The upload action computes it itself when it is
 *   absent and warns when a given one differs, so ours must be bit-for-bit the same.
 * - `ownFingerprint` is jwt-audit's line-independent fingerprint that `--baseline` matches on.
 */
import { createHash } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// GitHub's primaryLocationLineHash
//
// Ported from github/codeql-action `src/fingerprints.ts` (`hash`), MIT licence. That code keeps a
// rolling polynomial hash (base 37, modulo 2^64, using the `long` package) over a window of the
// next BLOCK_SIZE characters of the file with spaces and tabs removed and CR / CRLF normalised to
// LF, followed by one EOF marker (65535) and zero padding. Every line gets the hash of the window
// that starts at its first kept character, as `hex:n` where n counts earlier lines with the same
// hash. Test vectors: codeql-action `src/fingerprints.test.ts` (test/fingerprints.test.ts here).
//
// The 64-bit arithmetic is done in two 32-bit halves held in doubles: every intermediate value
// stays below 2^53, so this is exact, and several times faster than BigInt on large files.
// ---------------------------------------------------------------------------------------------

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const EOF = 65535;
const BLOCK_SIZE = 100;
const MOD = 37;
const TWO_32 = 4294967296;

/** 37^BLOCK_SIZE mod 2^64, as [high 32 bits, low 32 bits]. */
const [FIRST_MOD_HI, FIRST_MOD_LO] = (() => {
  let x = 1n;
  for (let i = 0; i < BLOCK_SIZE; i++) x = BigInt.asUintN(64, x * BigInt(MOD));
  return [Number(x >> 32n), Number(x & 0xffffffffn)];
})();

/**
 * `primaryLocationLineHash` of every line of `text`, exactly as GitHub's upload action computes it:
 * element i is the hash of line i + 1. Lines are split at LF, CR and CRLF (not at U+2028/U+2029),
 * so the result has `text.split(/\r\n|\r|\n/).length` elements. Pass the file's text as decoded
 * from UTF-8 without stripping a byte-order mark: the action hashes the BOM too.
 */
export function computeLineHashes(text: string): string[] {
  const hashes: string[] = [];
  const window = new Array<number>(BLOCK_SIZE).fill(0);
  // Line number starting at each window slot, or -1.
  const lineNumbers = new Array<number>(BLOCK_SIZE).fill(-1);
  const counts = new Map<string, number>();
  let hi = 0;
  let lo = 0;
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;

  const outputHash = (): void => {
    const hex = hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
    const n = (counts.get(hex) ?? 0) + 1;
    counts.set(hex, n);
    // Lines are emitted in order: line starts enter the window in order and leave it in order.
    hashes[lineNumbers[index] - 1] = `${hex}:${n}`;
    lineNumbers[index] = -1;
  };

  const updateHash = (current: number): void => {
    const begin = window[index];
    window[index] = current;
    // hash = 37 * hash + current - 37^100 * begin   (mod 2^64)
    let newLo = lo * MOD + current - FIRST_MOD_LO * begin;
    const carry = Math.floor(newLo / TWO_32);
    newLo -= carry * TWO_32;
    let newHi = (hi * MOD + carry - FIRST_MOD_HI * begin) % TWO_32;
    if (newHi < 0) newHi += TWO_32;
    hi = newHi;
    lo = newLo;
    index = (index + 1) % BLOCK_SIZE;
  };

  const processCharacter = (code: number): void => {
    // Skip spaces, tabs, and the LF of a CRLF.
    if (code === SPACE || code === TAB || (prevCR && code === LF)) {
      prevCR = false;
      return;
    }
    if (code === CR) {
      code = LF;
      prevCR = true;
    } else {
      prevCR = false;
    }
    if (lineNumbers[index] !== -1) outputHash();
    if (lineStart) {
      lineStart = false;
      lineNumber++;
      lineNumbers[index] = lineNumber;
    }
    if (code === LF) lineStart = true;
    updateHash(code);
  };

  for (let i = 0; i < text.length; i++) processCharacter(text.charCodeAt(i));
  processCharacter(EOF);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (lineNumbers[index] !== -1) outputHash();
    updateHash(0);
  }
  return hashes;
}

// ---------------------------------------------------------------------------------------------
// jwt-audit's own fingerprint
// ---------------------------------------------------------------------------------------------

export interface OwnFingerprintParts {
  ruleId: string;
  /** Repository-relative path, forward slashes. */
  uri: string;
  /**
   * Name of the enclosing function/method/class chain (`AuthController.refresh`), or '' at top
   * level.
   */
  enclosing: string;
  /** Source text of the finding's key node. */
  code: string;
}

/**
 * Source text with formatting removed: whitespace disappears except a single space where it
 * separates two word characters (`return token` must not become `returntoken`). So re-indenting,
 * re-wrapping or a formatter run leaves the fingerprint unchanged.
 */
export function normaliseCode(code: string): string {
  return code
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ (?![\w$])|(?<![\w$]) /g, '');
}

/**
 * Line-independent fingerprint: rule, file, enclosing function and the finding's normalised code,
 * hashed with SHA-256 (first 32 hex digits). Edits above a finding, or re-formatting it, keep it;
 * moving it to another function or file, or changing the code itself, makes it a new finding.
 * Identical code in the same function gives the same value: baselines match by count.
 */
export function ownFingerprint(parts: OwnFingerprintParts): string {
  const payload = JSON.stringify([
    'jwt-audit/v1',
    parts.ruleId,
    parts.uri,
    parts.enclosing,
    normaliseCode(parts.code),
  ]);
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}
