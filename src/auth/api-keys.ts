import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every intake key starts with this, so a leaked key is recognisable (secret scanners). */
export const INTAKE_KEY_PREFIX = 'lds_';
/**
 * Every operator key starts with this: recognisable like intake keys, and told apart from them
 * before any lookup (an `lds_op…` prefix could not be: base64url may put `op` after `lds_`).
 */
export const OPERATOR_KEY_PREFIX = 'ldo_';
/** Characters of a key kept in clear to tell keys apart in lists: the prefix and 8 more. */
export const VISIBLE_KEY_CHARS = INTAKE_KEY_PREFIX.length + 8;

/** A new key: 32 random bytes (256 bits), base64url, after the prefix (intake by default). */
export function generateApiKey(prefix = INTAKE_KEY_PREFIX): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 of the key, hex: what the database stores and indexes; the key itself never is. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two hex SHA-256 digests in constant time (equal length by construction). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * The configured admin keys, held only as digests. A presented key is hashed once and compared
 * with every admin digest, without stopping at the first match, so the time taken says nothing
 * about which key (or how much of one) matched.
 */
export class AdminKeys {
  private readonly digests: string[];

  constructor(keys: string[]) {
    this.digests = keys.map(hashApiKey);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The index of the matching admin key, or -1. */
  match(presentedDigest: string): number {
    let found = -1;
    this.digests.forEach((digest, index) => {
      if (digestsEqual(digest, presentedDigest) && found === -1) found = index;
    });
    return found;
  }
}

/**
 * The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 * undefined when neither is there (or the Authorization scheme is not Bearer).
 */
export function presentedKey(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  const authorization = headers['authorization'];
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
