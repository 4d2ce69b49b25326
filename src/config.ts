import * as path from 'node:path';
import { UsageError } from './errors.js';
import type { Severity } from './types.js';

/** The validated configuration (`.jwt-audit.json`, `package.json#jwt-audit`, or `--config`). */
export interface JwtAuditConfig {
  /** Per-rule severity override, or 'off'. */
  rules: Record<string, Severity | 'off'>;
  /** Extra ignore globs. */
  ignore: string[];
  /** Extra function or method names that count as monitoring. */
  monitors: string[];
  /** Extra rate-limiter middleware names. */
  rateLimiters: string[];
  /** Extra auth route path patterns (regular expression sources, case-insensitive). */
  authRoutes: string[];
  /**
   * Route path patterns that are never auth endpoints (regular expression sources,
   * case-insensitive): missing-rate-limit does not report routes whose path matches.
   */
  notAuthRoutes: string[];
  /** Rate limiting is done upstream (gateway/WAF): missing-rate-limit reports nothing. */
  rateLimitedUpstream?: { reason: string };
  /**
   * ESLint-style per-file rule levels: `files` globs relative to `base` (the config file's folder),
   * later entries win over earlier ones and over `rules`.
   */
  overrides: ConfigOverride[];
}

export interface ConfigOverride {
  files: string[];
  rules: Record<string, Severity | 'off'>;
  /** Absolute folder the globs are relative to (the config file's folder, else cwd). */
  base: string;
}

export const DEFAULT_CONFIG: JwtAuditConfig = {
  rules: {},
  ignore: [],
  monitors: [],
  rateLimiters: [],
  authRoutes: [],
  notAuthRoutes: [],
  overrides: [],
};

export const CONFIG_FILE_NAME = '.jwt-audit.json';
export const PACKAGE_JSON_KEY = 'jwt-audit';
const RULE_LEVELS = ['off', 'note', 'warning', 'error'] as const;
const CONFIG_KEYS = [
  '$schema',
  'rules',
  'ignore',
  'monitors',
  'rateLimiters',
  'authRoutes',
  'notAuthRoutes',
  'rateLimitedUpstream',
  'overrides',
] as const;

export interface LoadConfigOptions {
  cwd: string;
  /** The directory being scanned (the single directory argument, else cwd). */
  scanRoot: string;
  /** `--config`: relative to cwd or absolute. A `package.json` is read for its "jwt-audit" key. */
  configPath?: string;
  readFile: (absolutePath: string) => string;
  exists: (absolutePath: string) => boolean;
  /** Rule ids of the registry, so that this module does not import the rules. */
  knownRuleIds: readonly string[];
}

export interface LoadedConfig {
  config: JwtAuditConfig;
  /** Absolute path of the file the config came from (`…/package.json` for the key), or null. */
  source: string | null;
}

/**
 * Finds and validates the configuration. Order: `--config`; else, from the scan root up to the
 * working directory (when the scan root is inside it), the first directory holding
 * `.jwt-audit.json`, or a `package.json` with a "jwt-audit" key. JSON only: a scanner must never
 * execute code from the tree it scans. Throws UsageError naming the file and the key.
 */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const display = (file: string): string =>
    path.relative(opts.cwd, file).split(path.sep).join('/') || file;
  if (opts.configPath !== undefined) {
    const file = path.resolve(opts.cwd, opts.configPath);
    if (!opts.exists(file)) {
      throw new UsageError(
        `config file "${opts.configPath}" does not exist. Check the --config path`,
      );
    }
    const value = parseJsonFile(opts, file, display(file));
    if (path.basename(file) === 'package.json') {
      const section = isObject(value) ? value[PACKAGE_JSON_KEY] : undefined;
      if (section === undefined) {
        throw new UsageError(
          `config: ${display(file)} has no "${PACKAGE_JSON_KEY}" key. ` +
            'Add one, or pass a .jwt-audit.json file',
        );
      }
      return {
        config: validateConfig(
          section,
          `${display(file)}#${PACKAGE_JSON_KEY}`,
          opts.knownRuleIds,
          path.dirname(file),
        ),
        source: file,
      };
    }
    return {
      config: validateConfig(value, display(file), opts.knownRuleIds, path.dirname(file)),
      source: file,
    };
  }

  for (const dir of searchDirectories(
    path.resolve(opts.cwd, opts.scanRoot),
    path.resolve(opts.cwd),
  )) {
    const file = path.join(dir, CONFIG_FILE_NAME);
    if (opts.exists(file)) {
      return {
        config: validateConfig(
          parseJsonFile(opts, file, display(file)),
          display(file),
          opts.knownRuleIds,
          dir,
        ),
        source: file,
      };
    }
    const pkg = path.join(dir, 'package.json');
    if (opts.exists(pkg)) {
      const value = parseJsonFile(opts, pkg, display(pkg));
      if (isObject(value) && value[PACKAGE_JSON_KEY] !== undefined) {
        const config = validateConfig(
          value[PACKAGE_JSON_KEY],
          `${display(pkg)}#${PACKAGE_JSON_KEY}`,
          opts.knownRuleIds,
          dir,
        );
        return { config, source: pkg };
      }
    }
  }
  return { config: cloneDefault(), source: null };
}

/** scanRoot, then its ancestors up to and including cwd; only scanRoot when it is outside cwd. */
function searchDirectories(scanRoot: string, cwd: string): string[] {
  const rel = path.relative(cwd, scanRoot);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [scanRoot];
  const dirs: string[] = [];
  for (let dir = scanRoot; ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === cwd || dir === path.dirname(dir)) break;
  }
  return dirs;
}

function parseJsonFile(opts: LoadConfigOptions, file: string, display: string): unknown {
  let text: string;
  try {
    text = opts.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`config: cannot read ${display} (${code}). Check the file's permissions`);
  }
  return parseJson(text, display);
}

/**
 * JSON.parse with an error that gives line and column (V8's message does not always carry them).
 */
export function parseJson(text: string, display: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(source);
  } catch {
    const { offset, problem } = locateJsonError(source);
    const before = source.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    throw new UsageError(
      `config: invalid JSON in ${display} at line ${line}, column ${column}: ${problem}. ` +
        `Fix the syntax (JSON allows no comments and no trailing commas)`,
    );
  }
}

/**
 * Finds the first syntax error of a JSON text that JSON.parse rejected: a small recursive-descent
 * reader that only tracks positions.
 */
function locateJsonError(text: string): { offset: number; problem: string } {
  let i = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly problem: string,
    ) {}
  }
  const fail = (problem: string): never => {
    throw new Stop(i, problem);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const describe = (): string =>
    i >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[i])}`;
  const string = (): void => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character in string (a string cannot span lines)');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('invalid \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail('invalid escape');
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(
            text[i] === '}'
              ? 'trailing comma before "}"'
              : `expected a property name in double quotes, ${describe()}`,
          );
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after the property name, ${describe()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail(`expected "," or "}", ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        ws();
        if (text[i] === ']') fail('trailing comma before "]"');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail(`expected "," or "]", ${describe()}`);
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i),
    );
    if (literal) {
      i += literal[0].length;
      return;
    }
    fail(`expected a value, ${describe()}`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected content after the end, ${describe()}`);
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, problem: error.problem };
    throw error;
  }
  return { offset: 0, problem: 'invalid JSON' };
}

/** Strict validation: an unknown key or a wrong type is a UsageError that names the key. */
export function validateConfig(
  value: unknown,
  display: string,
  knownRuleIds: readonly string[],
  /** The folder `overrides[].files` globs are relative to (the config file's folder). */
  base = '.',
): JwtAuditConfig {
  const bad = (key: string, expected: string, got: unknown): never => {
    throw new UsageError(
      `config: "${key}" must be ${expected} (got ${describeValue(got)} in ${display}). ` +
        'Fix or remove it',
    );
  };
  if (!isObject(value)) bad('(top level)', 'an object', value);
  const input = value as Record<string, unknown>;
  const config = cloneDefault();
  for (const key of Object.keys(input)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(
        `config: unknown key "${key}" in ${display}. Valid keys: ` +
          `${CONFIG_KEYS.filter((k) => k !== '$schema').join(', ')}`,
      );
    }
  }
  if ('$schema' in input && typeof input.$schema !== 'string')
    bad('$schema', 'a string', input.$schema);
  if ('rules' in input) config.rules = validateRules(input.rules, 'rules', display, knownRuleIds);
  for (const key of [
    'ignore',
    'monitors',
    'rateLimiters',
    'authRoutes',
    'notAuthRoutes',
  ] as const) {
    if (!(key in input)) continue;
    const list = input[key];
    if (!Array.isArray(list)) bad(key, 'an array of strings', list);
    (list as unknown[]).forEach((item, index) => {
      if (typeof item !== 'string' || item.trim() === '')
        bad(`${key}[${index}]`, 'a non-empty string', item);
    });
    config[key] = [...(list as string[])];
  }
  for (const key of ['authRoutes', 'notAuthRoutes'] as const) {
    config[key].forEach((pattern, index) => {
      try {
        new RegExp(pattern, 'i');
      } catch {
        bad(`${key}[${index}]`, 'a valid regular expression', pattern);
      }
    });
  }
  if ('overrides' in input) {
    const list = input.overrides;
    const shape = 'an array of { "files": ["<glob>", …], "rules": { "<rule-id>": "off" | … } }';
    if (!Array.isArray(list)) bad('overrides', shape, list);
    config.overrides = (list as unknown[]).map((entry, index) => {
      const at = `overrides[${index}]`;
      if (!isObject(entry)) return bad(at, 'an object with "files" and "rules"', entry);
      for (const key of Object.keys(entry)) {
        if (key !== 'files' && key !== 'rules')
          throw new UsageError(
            `config: unknown key "${at}.${key}" in ${display}. An override has "files" and "rules"`,
          );
      }
      const files = entry.files;
      if (!Array.isArray(files) || files.length === 0)
        bad(`${at}.files`, 'a non-empty array of glob strings', files);
      (files as unknown[]).forEach((glob, i) => {
        if (typeof glob !== 'string' || glob.trim() === '')
          bad(`${at}.files[${i}]`, 'a non-empty glob string', glob);
      });
      if (!('rules' in entry)) bad(`${at}.rules`, 'an object of rule id to level', undefined);
      return {
        files: [...(files as string[])],
        rules: validateRules(entry.rules, `${at}.rules`, display, knownRuleIds),
        base,
      };
    });
  }
  if ('rateLimitedUpstream' in input) {
    const upstream = input.rateLimitedUpstream;
    if (!isObject(upstream))
      bad('rateLimitedUpstream', 'an object like { "reason": "…" }', upstream);
    for (const key of Object.keys(upstream as object)) {
      if (key !== 'reason')
        throw new UsageError(
          `config: unknown key "rateLimitedUpstream.${key}" in ${display}. ` +
            'The only key is "reason"',
        );
    }
    const reason = (upstream as Record<string, unknown>).reason;
    if (typeof reason !== 'string' || reason.trim() === '')
      bad('rateLimitedUpstream.reason', 'a non-empty string', reason);
    config.rateLimitedUpstream = { reason: reason as string };
  }
  return config;
}

/** `{ "<rule-id>": "off" | "note" | "warning" | "error" }`, checked against the registry. */
function validateRules(
  rules: unknown,
  key: string,
  display: string,
  knownRuleIds: readonly string[],
): Record<string, Severity | 'off'> {
  if (!isObject(rules))
    throw new UsageError(
      `config: "${key}" must be an object of rule id to off, note, warning or error ` +
        `(got ${describeValue(rules)} in ${display}). Fix or remove it`,
    );
  const out: Record<string, Severity | 'off'> = {};
  for (const [id, level] of Object.entries(rules)) {
    if (!knownRuleIds.includes(id)) {
      throw new UsageError(
        `config: unknown rule "${id}" in "${key}" of ${display}. ` +
          'Run "jwt-audit rules" to list the rule ids',
      );
    }
    if (typeof level !== 'string' || !(RULE_LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(
        `config: "${key}.${id}" must be one of ${RULE_LEVELS.join(', ')} ` +
          `(got ${describeValue(level)} in ${display}). Fix or remove it`,
      );
    }
    out[id] = level as Severity | 'off';
  }
  return out;
}

/**
 * The rule levels that apply to one file: `rules`, then every override whose `files` match the
 * file (relative to the override's folder), later ones winning.
 */
export function rulesForFile(
  config: JwtAuditConfig,
  absoluteFile: string,
  cwd: string,
): Record<string, Severity | 'off'> {
  const out = { ...config.rules };
  for (const override of config.overrides) {
    const rel = path.relative(path.resolve(cwd, override.base), absoluteFile);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const file = rel.split(path.sep).join('/');
    if (override.files.some((glob) => globToRegExp(glob).test(file)))
      Object.assign(out, override.rules);
  }
  return out;
}

const globCache = new Map<string, RegExp>();

/**
 * A `files` glob as a regular expression over a forward-slash relative path: `*` and `?` stay
 * within a segment, `**` spans segments, `{a,b}` is either; a leading `./` or `/` is dropped and a
 * trailing `/` means everything below that folder.
 */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  const body = glob.trim().replace(/^\.\//, '').replace(/^\/+/, '');
  let out = '';
  let braces = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '*' && body[i + 1] === '*') {
      const slashAfter = body[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  if (body.endsWith('/')) out += '.*';
  re = new RegExp(`^${out}$`);
  globCache.set(glob, re);
  return re;
}

function cloneDefault(): JwtAuditConfig {
  return {
    rules: {},
    ignore: [],
    monitors: [],
    rateLimiters: [],
    authRoutes: [],
    notAuthRoutes: [],
    overrides: [],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}
