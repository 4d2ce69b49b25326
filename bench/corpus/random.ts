/** Seeded randomness and the word lists the synthetic corpus is written from. */

/** mulberry32: tiny, fast, good enough for shuffling templates. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rand {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T extends string>(table: Record<T, number>): T {
    const entries = Object.entries(table) as Array<[T, number]>;
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1][0];
  }
  /** Lines per file: skewed towards ~100, clamped to 50..300. */
  fileLines(): number {
    const u = (this.next() + this.next() + this.next()) / 3;
    return Math.max(50, Math.min(300, Math.round(40 + u * u * 380)));
  }
}

export const NOUNS = [
  'user',
  'order',
  'invoice',
  'product',
  'account',
  'session',
  'payment',
  'cart',
  'shipment',
  'review',
  'tenant',
  'report',
  'notification',
  'subscription',
  'webhook',
  'audit',
  'customer',
  'catalog',
  'coupon',
  'inventory',
  'warehouse',
  'ticket',
  'message',
  'channel',
  'team',
  'project',
  'task',
  'comment',
  'attachment',
  'address',
  'profile',
  'device',
  'plan',
  'quota',
  'refund',
  'ledger',
  'vendor',
  'booking',
  'schedule',
  'document',
];
export const VERBS = [
  'load',
  'find',
  'create',
  'update',
  'remove',
  'list',
  'sync',
  'compute',
  'resolve',
  'normalise',
  'validate',
  'merge',
  'export',
  'import',
  'archive',
  'publish',
  'refresh',
  'reconcile',
  'schedule',
  'render',
];
export const ADJ = [
  'active',
  'pending',
  'archived',
  'primary',
  'default',
  'cached',
  'remote',
  'local',
  'draft',
  'expired',
  'verified',
  'public',
  'internal',
];
export const FIELDS: Array<[string, string]> = [
  ['id', 'string'],
  ['createdAt', 'Date'],
  ['updatedAt', 'Date'],
  ['name', 'string'],
  ['email', 'string'],
  ['status', 'Status'],
  ['amount', 'number'],
  ['currency', 'string'],
  ['quantity', 'number'],
  ['tags', 'string[]'],
  ['ownerId', 'string'],
  ['tenantId', 'string'],
  ['version', 'number'],
  ['metadata', 'Record<string, unknown>'],
  ['description', 'string | null'],
  ['enabled', 'boolean'],
  ['priority', 'number'],
  ['expiresAt', 'Date | undefined'],
  ['region', 'string'],
  ['score', 'number'],
];

export const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
export const plural = (s: string) =>
  s.endsWith('s') ? s : s.endsWith('y') ? `${s.slice(0, -1)}ies` : `${s}s`;

/* ------------------------------------------------------------------ file model */
