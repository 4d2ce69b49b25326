/**
 * The method tables of denylist stores: which calls on a store look a token up, which add one,
 * which update a row to revoke it, and which names say a function answers "is it revoked?".
 * Adding a store API is adding rows.
 */
import { splitWords } from '../file/ast.js';
import { isDenylistName } from './denylist-names.js';
import type { RevocationOptionFact } from '../file/denylist-types.js';

/** Redis-style lookups whose first argument is the key: a denylist key makes them lookups. */
export const KEY_LOOKUPS = new Set([
  'get',
  'exists',
  'sismember',
  'sIsMember',
  'smismember',
  'smIsMember',
  'hget',
  'hGet',
  'hexists',
  'hExists',
  'zscore',
  'zScore',
  'getex',
  'getEx',
]);

/** Lookups on a store recognised by its name: Set/Map/array, Redis, ORM models and repositories. */
export const STORE_LOOKUPS = new Set([
  'has',
  'includes',
  'contains',
  'check',
  'isMember',
  'lookup',
  'findOne',
  'findFirst',
  'findUnique',
  'findOneBy',
  'findById',
  'findByPk',
  'count',
  'countBy',
  'countDocuments',
  'exist',
  'existsBy',
  'first',
  ...KEY_LOOKUPS,
]);
/** Writes on a store recognised by its name. */
export const STORE_WRITES = new Set([
  'add',
  'push',
  'unshift',
  'set',
  'put',
  'sadd',
  'sAdd',
  'setex',
  'setEx',
  'psetex',
  'pSetEx',
  'setnx',
  'setNX',
  'hset',
  'hSet',
  'hmset',
  'hSetNX',
  'zadd',
  'zAdd',
  'lpush',
  'lPush',
  'rpush',
  'rPush',
  'create',
  'createMany',
  'insert',
  'insertOne',
  'insertMany',
  'upsert',
  'save',
  'bulkCreate',
]);
/** Redis-style writes whose key (first argument) or value names the denylist. */
export const KEY_WRITES = new Set([
  'set',
  'sadd',
  'sAdd',
  'setex',
  'setEx',
  'psetex',
  'pSetEx',
  'setnx',
  'setNX',
  'hset',
  'hSet',
  'hmset',
  'zadd',
  'zAdd',
  'lpush',
  'lPush',
  'rpush',
  'rPush',
]);

/**
 * ORM updates that revoke by marking a row: `data: { revoked: true }`, `$set: { revokedAt: new
 * Date() }`.
 */
export const MARKING_UPDATES = new Set([
  'update',
  'updateMany',
  'updateOne',
  'findOneAndUpdate',
  'findByIdAndUpdate',
  'upsert',
]);

/**
 * Words that make a denylist-named function a question: `isRevoked`, `checkBlacklist`,
 * `hasBeenRevoked`.
 */
export const PREDICATE_WORDS = new Set([
  'is',
  'has',
  'was',
  'check',
  'checks',
  'lookup',
  'exists',
  'contains',
  'in',
]);
export const PREDICATE_FIRST_WORDS = new Set(['find', 'get', 'fetch', 'lookup', 'query']);
/** Functions that fill a denylist from storage rather than revoke anything. */
export const LOADER_WORDS = new Set([
  'load',
  'reload',
  'init',
  'initialize',
  'initialise',
  'warm',
  'warmup',
  'hydrate',
  'sync',
  'restore',
  'seed',
  'bootstrap',
  'populate',
  'rebuild',
  'prime',
  'preload',
  'import',
]);

export const OPTION_LIBRARIES: Record<string, RevocationOptionFact['library']> = {
  'express-jwt': 'express-jwt',
  'koa-jwt': 'koa-jwt',
  '@fastify/jwt': '@fastify/jwt',
  'fastify-jwt': '@fastify/jwt',
};

/** `isRevoked`, `isTokenBlacklisted`, `checkDenylist`; not `revokeToken`, `addToBlacklist`. */
export function isCheckerName(name: string): boolean {
  if (!isDenylistName(name)) return false;
  const words = splitWords(name);
  return words.some((w) => PREDICATE_WORDS.has(w)) || PREDICATE_FIRST_WORDS.has(words[0]);
}
