/**
 * Numeric literals, typed the way PostgreSQL types them: an integer that fits int4 is `integer`,
 * one that fits int8 is `bigint`, anything else (decimals, exponents, huge integers) is `numeric`.
 * The value stays exact decimal text — never rounded through a JS number.
 */
import { FilterProblem, quoteFragment } from './filter-problem.js';
import type { FilterExpr } from './filter-tree.js';

const INT4 = 2n ** 31n;
const INT8 = 2n ** 63n;
const DECIMAL = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** `raw` as PostgreSQL's scanner produced it: optional `-`, digits, `_` separators, 0x/0o/0b, exponents. */
export function numberLiteral(raw: string): Extract<FilterExpr, { kind: 'number' }> {
  const negative = raw.startsWith('-');
  let body = (negative ? raw.slice(1) : raw).replaceAll('_', '');
  if (/^0[xob][0-9a-f]+$/i.test(body)) body = BigInt(body).toString();
  if (/^\d+$/.test(body)) {
    const v = negative ? -BigInt(body) : BigInt(body);
    const numberType = v >= -INT4 && v < INT4 ? 'integer' : v >= -INT8 && v < INT8 ? 'bigint' : 'numeric';
    return { kind: 'number', value: v.toString(), numberType };
  }
  if (DECIMAL.test(body)) return { kind: 'number', value: `${negative ? '-' : ''}${body}`, numberType: 'numeric' };
  throw new FilterProblem(`unsupported number ${quoteFragment(raw)} in filter`);
}
