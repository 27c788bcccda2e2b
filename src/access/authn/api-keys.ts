/**
 * API keys: random secrets handed to a dashboard or script, each with a name and roles. Only the
 * SHA-256 hash of a key is configured, so a leaked key file grants nothing. A plain hash (no salt, no
 * scrypt) is enough because keys are 256-bit random strings made by `maatstaf keys create`: there is
 * nothing to guess, and lookup stays one hash per request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MaatstafError } from '../../core/errors.js';

/** Every generated key starts with this, so secret scanners and people recognise one. */
export const API_KEY_PREFIX = 'mst_';

/** A role or key name: letters, digits, `_ . : -` (no spaces, nothing that needs quoting in YAML). */
export const ROLE_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;
const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface ApiKeyEntry {
  readonly name: string;
  /** `sha256:<64 lowercase hex>` of the key. */
  readonly hash: string;
  readonly roles: readonly string[];
  /** After this instant the key is refused (optional). */
  readonly expiresAt?: Date | undefined;
}

const EntrySchema = z
  .object({
    name: z.string().regex(ROLE_PATTERN, 'must be 1–100 letters, digits or _ . : -'),
    hash: z.string().trim().toLowerCase().regex(HASH_PATTERN, "must be 'sha256:' followed by 64 hex digits (see `maatstaf keys hash`)"),
    roles: z.array(z.string().regex(ROLE_PATTERN, 'must be 1–100 letters, digits or _ . : -')).max(100),
    expires: z.union([z.string(), z.date()]).optional(),
  })
  .strict();

const FileSchema = z.union([z.object({ keys: z.array(EntrySchema) }).strict(), z.array(EntrySchema)]);

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A new key: prefix + 32 random bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Parses a key list (YAML or JSON: `{keys: [...]}` or a bare list). Problems are INVALID_CONFIG naming
 * the source and the entry, never echoing a value.
 */
export function parseApiKeys(text: string, source: string): ApiKeyEntry[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    throw new MaatstafError('INVALID_CONFIG', `${source}: not valid YAML or JSON`, { name: source });
  }
  if (raw === null || raw === undefined) return [];
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new MaatstafError('INVALID_CONFIG', `${source}: ${path ? `${path}: ` : ''}${issue.message}`, { name: source });
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.keys;
  const seen = new Set<string>();
  return list.map((e, i) => {
    if (seen.has(e.name)) throw new MaatstafError('INVALID_CONFIG', `${source}: keys[${i}].name: duplicate key name '${e.name}'`, { name: source });
    seen.add(e.name);
    let expiresAt: Date | undefined;
    if (e.expires !== undefined) {
      expiresAt = e.expires instanceof Date ? e.expires : new Date(e.expires);
      if (Number.isNaN(expiresAt.getTime())) {
        throw new MaatstafError('INVALID_CONFIG', `${source}: keys[${i}].expires: not a date (use 2027-01-31 or an ISO timestamp)`, { name: source });
      }
    }
    return { name: e.name, hash: e.hash, roles: [...new Set(e.roles)], expiresAt };
  });
}

/** One line of YAML for the key file, as printed by `maatstaf keys create`. */
export function keyFileEntry(entry: { name: string; hash: string; roles: readonly string[] }): string {
  return `  - { name: ${entry.name}, hash: "${entry.hash}", roles: [${entry.roles.join(', ')}] }`;
}

export interface ApiKeyStore {
  readonly size: number;
  /** The entry whose hash matches the presented key (undefined when none does or it expired). */
  find(key: string, now?: Date): ApiKeyEntry | undefined;
}

export function createApiKeyStore(entries: readonly ApiKeyEntry[]): ApiKeyStore {
  const digests = entries.map((e) => ({ entry: e, digest: Buffer.from(e.hash.slice('sha256:'.length), 'hex') }));
  const byHash = new Set(entries.map((e) => e.hash));
  if (byHash.size !== entries.length) throw new MaatstafError('INVALID_CONFIG', 'two API keys have the same hash');
  return {
    size: entries.length,
    find(key, now = new Date()) {
      const presented = createHash('sha256').update(key, 'utf8').digest();
      let found: ApiKeyEntry | undefined;
      // Compare against every entry, constant-time each, without stopping early: the time taken does
      // not depend on which (or whether a) key matched.
      for (const { entry, digest } of digests) {
        if (timingSafeEqual(presented, digest)) found = entry;
      }
      if (found?.expiresAt && found.expiresAt.getTime() <= now.getTime()) return undefined;
      return found;
    },
  };
}
