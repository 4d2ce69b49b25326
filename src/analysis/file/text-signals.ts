/**
 * Raw-text pre-filters, read in one pass: which families of names a file spells anywhere
 * (identifiers, strings, comments). Work that needs one — a limiter call, a JWT API, a denylist —
 * is skipped in a file that spells none. The families' patterns live with the code they guard;
 * here they are read together, so that each file's text is read once, not once per family.
 *
 * One regular expression per family, or one alternation of them all, is tried alternative by
 * alternative at every position of the text: on real checkouts that cost more than a tenth of the
 * per-file analysis. Instead, one automaton (Aho-Corasick) over the lower-cased text finds the
 * literal words the families' alternatives are built around, and only where one occurs is the
 * family's own expression tried, anchored there. The answer is the expression's, exactly.
 */
import { mayEscapeNames } from './ast.js';
import { LIMITER_TEXT } from '../libraries/limiters.js';
import { USAGE_FIELD, PASSWORD_TEXT } from './routes/handler-facts.js';
import { JWT_TEXT, SIGN_TEXT } from '../libraries/jwt-apis.js';
import { DENYLIST_NAME, REVOCATION_OPTION } from '../libraries/denylist-names.js';
import { REVOCATION_STATE_TEXT } from '../libraries/revocation-state.js';

/**
 * Plain alternations (`a|b.?c|\bd\b`: letters, digits, `_`, `-`, `.`, `?` after one character,
 * `\b`), case-insensitive or not, each one family.
 */
export const TEXT_FAMILIES = {
  limiter: LIMITER_TEXT,
  usage: USAGE_FIELD,
  password: PASSWORD_TEXT,
  jwt: JWT_TEXT,
  /** `sign(`, `SignJWT`: JWT_TEXT's case-sensitive companion (mayUseJwtApi). */
  sign: SIGN_TEXT,
  denylist: DENYLIST_NAME,
  revocationOption: REVOCATION_OPTION,
  revocationState: REVOCATION_STATE_TEXT,
  /** The names of a token's or session's state: with revocationState, a denylist may be read. */
  tokenState: /token|jti|\bsid\b|jwt/i,
  /** Where a caller's token travels: the request's headers and cookies. */
  callerToken: /authorization|\bheaders?\b|cookies?\b|bearer/i,
  /** The request object by its usual names. */
  request: /\breq\b|\brequest\b|\bctx\b|\bevent\b/,
  /** Who a login refuses: a rejection of credentials names one. */
  account: /user|account|member/i,
} as const;

export type Family = keyof typeof TEXT_FAMILIES;

export type TextSignals = Record<Family, boolean> & {
  /** An escape could spell any name (mayEscapeNames): every pre-filter lets the file through. */
  escapes: boolean;
};

const NAMES = Object.keys(TEXT_FAMILIES) as Family[];

/** One character of an alternative: a literal (lower-cased), any character (`.`), or `\b`. */
interface Token {
  char: string;
  optional: boolean;
}

/** An alternative's longest run of required literal characters, and where it can start. */
interface Key {
  family: number;
  text: string;
  /** Characters an alternative's match can have before its key: fewest and most. */
  minBefore: number;
  maxBefore: number;
}

function tokensOf(alternative: string, family: Family): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < alternative.length; i++) {
    const c = alternative[i];
    if (c === '\\' && alternative[i + 1] === 'b') {
      tokens.push({ char: '\\b', optional: false });
      i++;
    } else if (c === '?' && tokens.length > 0 && tokens[tokens.length - 1].char !== '\\b') {
      tokens[tokens.length - 1].optional = true;
    } else if (/[A-Za-z0-9_\-. ]/.test(c)) {
      tokens.push({ char: c === '.' ? '.' : c.toLowerCase(), optional: false });
    } else {
      throw new Error(`text family ${family}: ${JSON.stringify(alternative)} is not plain`);
    }
  }
  return tokens;
}

function keyOf(tokens: Token[], family: number): Key {
  let best = { start: 0, length: 0 };
  for (let start = 0; start < tokens.length; start++) {
    let length = 0;
    while (isLiteral(tokens[start + length])) length++;
    if (length > best.length) best = { start, length };
  }
  if (best.length === 0) throw new Error(`text family ${NAMES[family]}: no literal to look for`);
  let minBefore = 0;
  let maxBefore = 0;
  for (const t of tokens.slice(0, best.start)) {
    if (t.char === '\\b') continue;
    maxBefore++;
    if (!t.optional) minBefore++;
  }
  const text = tokens
    .slice(best.start, best.start + best.length)
    .map((t) => t.char)
    .join('');
  return { family, text, minBefore, maxBefore };
}

function isLiteral(t: Token | undefined): boolean {
  return !!t && !t.optional && t.char !== '.' && t.char !== '\\b';
}

const KEYS: Key[] = NAMES.flatMap((name, f) =>
  TEXT_FAMILIES[name].source.split('|').map((alternative) => keyOf(tokensOf(alternative, name), f)),
);
for (const name of NAMES)
  if (!/^i?$/.test(TEXT_FAMILIES[name].flags))
    throw new Error(`text family ${name}: expected no flag but i`);
/** Each family anchored at a position (`y`), with its own case sensitivity. */
const AT = NAMES.map((n) => new RegExp(TEXT_FAMILIES[n].source, `${TEXT_FAMILIES[n].flags}y`));

/**
 * The automaton over character codes 0-127 (upper-case ASCII letters read as lower-case; every
 * other character as 0, which no key holds: without the `u` flag, `/i` folds no non-ASCII
 * character into an ASCII one). NEXT[state * 128 + code] is the next state; ENDS[state], the keys
 * that end there (through failure links too).
 */
const { NEXT, ENDS } = buildAutomaton(KEYS.map((k) => k.text));

function buildAutomaton(words: string[]): { NEXT: Int32Array; ENDS: number[][] } {
  const goto: Array<Map<number, number>> = [new Map()];
  const ends: number[][] = [[]];
  words.forEach((word, index) => {
    let state = 0;
    for (const ch of word) {
      const code = ch.charCodeAt(0);
      let next = goto[state].get(code);
      if (next === undefined) {
        next = goto.length;
        goto.push(new Map());
        ends.push([]);
        goto[state].set(code, next);
      }
      state = next;
    }
    ends[state].push(index);
  });
  const next = new Int32Array(goto.length * 128);
  const fail = new Int32Array(goto.length);
  // breadth first: a state's failure link is settled before its children's
  const queue: number[] = [];
  for (let code = 0; code < 128; code++) {
    const child = goto[0].get(code);
    next[code] = child ?? 0;
    if (child !== undefined) queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head];
    ends[state].push(...ends[fail[state]]);
    for (let code = 0; code < 128; code++) {
      const child = goto[state].get(code);
      if (child === undefined) next[state * 128 + code] = next[fail[state] * 128 + code];
      else {
        fail[child] = next[fail[state] * 128 + code];
        next[state * 128 + code] = child;
        queue.push(child);
      }
    }
  }
  return { NEXT: next, ENDS: ends };
}

/**
 * The automaton's transitions with what they lead to, one look-up per character:
 * STEP[state * 128 + code] is the next state times 2^16, plus the families of the keys that end
 * there as bits (most states end none).
 */
const STEP = Uint32Array.from(NEXT, (next) => {
  const families = ENDS[next].reduce((bits, k) => bits | (1 << KEYS[k].family), 0);
  return next * 0x10000 + families;
});
if (NAMES.length > 16 || NEXT.length / 128 > 0x10000) throw new Error('text families: too many');

export function textSignals(text: string): TextSignals {
  const signals = { escapes: mayEscapeNames(text) } as TextSignals;
  let missing = (1 << NAMES.length) - 1;
  let state = 0;
  for (let i = 0; i < text.length && missing !== 0; i++) {
    let code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) code |= 0x20;
    else if (code >= 128) code = 0;
    const step = STEP[state * 128 + code];
    state = step >>> 16;
    if ((step & missing) === 0) continue;
    for (const k of ENDS[state]) {
      const key = KEYS[k];
      if ((missing & (1 << key.family)) === 0) continue;
      // the key ends at i; the alternative's match starts up to maxBefore characters before it
      const keyStart = i - key.text.length + 1;
      const at = AT[key.family];
      for (let start = keyStart - key.minBefore; start >= keyStart - key.maxBefore; start--) {
        if (start < 0) break;
        at.lastIndex = start;
        if (at.test(text)) {
          missing &= ~(1 << key.family);
          break;
        }
      }
    }
  }
  for (let f = 0; f < NAMES.length; f++) signals[NAMES[f]] = (missing & (1 << f)) === 0;
  return signals;
}
