/** What the baseline route (bare-server.ts) answers, as written by request-path.bench.ts. */
import type { QueryResult } from '../engine/types.js';

export interface BarePlan {
  readonly mode: 'cached' | 'uncached';
  /** Authorization header → caller group (callers of one group get the same answers). */
  readonly groups: Readonly<Record<string, string>>;
  /** `group \0 method URL \0 body` → the answer (cached) or the SQL (uncached). */
  readonly answers: Readonly<Record<string, BareAnswer>>;
  readonly databaseUrl?: string;
  readonly schema?: string;
}

export type BareAnswer =
  | { readonly result: QueryResult }
  | { readonly sql: string; readonly params: readonly unknown[]; readonly columns: QueryResult['columns'] };

export const bareKey = (group: string, method: string, url: string, body: string): string => `${group}\u0000${method} ${url}\u0000${body}`;
