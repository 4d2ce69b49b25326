/**
 * Raw-text pre-filters, read in one pass: which families of names a file spells anywhere
 * (identifiers, strings, comments). Work that needs one — a limiter call, a JWT API, a denylist —
 * is skipped in a file that spells none. The families' patterns live with the code they guard;
 * here they are merged into one regular expression, so that each file's text is read once, not
 * once per family.
 */
import { mayEscapeNames } from './ast.js';
import { LIMITER_TEXT } from '../libraries/limiters.js';
import { USAGE_FIELD, PASSWORD_TEXT } from './routes/handler-facts.js';
import { JWT_TEXT } from '../libraries/jwt-apis.js';
import { DENYLIST_NAME, REVOCATION_OPTION } from '../libraries/denylist-names.js';
import { REVOCATION_STATE_TEXT } from '../libraries/revocation-state.js';

/** Case-insensitive patterns without capturing groups, each one family. */
const FAMILIES = {
  limiter: LIMITER_TEXT,
  usage: USAGE_FIELD,
  password: PASSWORD_TEXT,
  jwt: JWT_TEXT,
  denylist: DENYLIST_NAME,
  revocationOption: REVOCATION_OPTION,
  revocationState: REVOCATION_STATE_TEXT,
} as const;

export type Family = keyof typeof FAMILIES;

export type TextSignals = Record<Family, boolean> & {
  /** An escape could spell any name (mayEscapeNames): every pre-filter lets the file through. */
  escapes: boolean;
};

const NAMES = Object.keys(FAMILIES) as Family[];
for (const name of NAMES) {
  const re = FAMILIES[name];
  // a capturing group would shift the group numbers that tell families apart
  if (re.flags !== 'i' || new RegExp(`|${re.source}`).exec('')!.length !== 1)
    throw new Error(`text family ${name}: expected /.../i without capturing groups`);
}
const COMBINED = new RegExp(NAMES.map((n) => `(${FAMILIES[n].source})`).join('|'), 'gi');
/** Each family anchored at a position: where one family matches, another may match too. */
const AT = NAMES.map((n) => new RegExp(FAMILIES[n].source, 'iy'));

export function textSignals(text: string): TextSignals {
  const signals = { escapes: mayEscapeNames(text) } as TextSignals;
  for (const name of NAMES) signals[name] = false;
  let missing = NAMES.length;
  COMBINED.lastIndex = 0;
  // Every position where some family matches is visited: after a match the scan goes on from
  // the next character (a match consumes its text, and `isRevoked` holds `revok`), and there the
  // families still missing are tried too (the combined expression reports only the first).
  for (let m = COMBINED.exec(text); m && missing > 0; m = COMBINED.exec(text)) {
    for (let f = 0; f < NAMES.length; f++) {
      const name = NAMES[f];
      if (signals[name]) continue;
      AT[f].lastIndex = m.index;
      if (m[f + 1] !== undefined || AT[f].test(text)) {
        signals[name] = true;
        missing--;
      }
    }
    COMBINED.lastIndex = m.index + 1;
  }
  return signals;
}
