/** `meta:` and `config.meta:` merged; later sources win (config over top-level, element over model). */
import type { Meta } from '../model.js';

type MetaCarrier = { readonly meta?: Record<string, unknown> | undefined; readonly config?: { readonly meta?: Record<string, unknown> | undefined } | undefined };

export function ownMeta(c: MetaCarrier): Meta {
  return { ...c.meta, ...c.config?.meta };
}

export function mergedMeta(parent: Meta, c: MetaCarrier): Meta {
  return { ...parent, ...ownMeta(c) };
}

/** A filter given as a string or list → a list. */
export function filterList(filter: string | readonly string[] | undefined): string[] {
  if (filter === undefined) return [];
  return typeof filter === 'string' ? [filter] : [...filter];
}
