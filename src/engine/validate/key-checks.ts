/**
 * Fan-out guard against the data (`validate --data`, issue 24): every primary and unique entity
 * must be unique in its table (per partition when the model has partition dimensions), and the
 * validity ranges of an SCD type II model must not overlap per key. A declared key that is not
 * unique silently multiplies every number joined through it; the report names the worst keys.
 */
import { sql, type RawBuilder } from 'kysely';
import { coldKysely } from '../../compiler/index.js';
import { elementSql, relationRef } from '../../compiler/render-exprs.js';
import type { DimensionDef, EntityDef, SemanticModelDef } from '../../definitions/model.js';
import { relationName } from '../../semantic-graph/lineage.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { emptyPhase, findingAt, type PhaseResult } from './findings.js';
import { warehouseMessage } from './probe.js';

/** Offending keys named per finding. */
export const TOP_KEYS = 10;

/** One row per offending key (at most TOP_KEYS), with totals; one row of totals when none offend. */
interface KeyCheckRow {
  readonly checked: number | string;
  readonly offending: number | string;
  readonly key: string | null;
  readonly count: number | string | null;
}

/** The key as text: the entity, then the partition values (`42 / 2024-01-01`). */
function keyText(key: RawBuilder<unknown>, partitions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  const parts = [key, ...partitions].map((p) => sql`CAST(${p} AS TEXT)`);
  return parts.length === 1 ? parts[0]! : sql`CONCAT_WS(' / ', ${sql.join(parts)})`;
}

/** Per key: how many rows share it; checked = distinct keys, offending = keys on more than one row. */
export function duplicateKeysSql(model: SemanticModelDef, entity: EntityDef, limit = TOP_KEYS): string {
  const partitions = model.dimensions.filter((d) => d.isPartition);
  const cols = [sql`${elementSql(entity.expr)} AS ${sql.id('k')}`, ...partitions.map((d, i) => sql`${elementSql(d.expr)} AS ${sql.id(`p${i}`)}`)];
  const groups = [sql.id('k'), ...partitions.map((_, i) => sql.id(`p${i}`))];
  const keys = sql`SELECT ${keyText(sql.id('k'), partitions.map((_, i) => sql.id(`p${i}`)))} AS ${sql.id('key')}, count(*) AS ${sql.id('n')},
    ROW_NUMBER() OVER (ORDER BY ${sql.join(groups)}) AS ${sql.id('o')}
    FROM (SELECT ${sql.join(cols)} FROM ${relationRef(model.relation)}) AS ${sql.id('r')} WHERE ${sql.id('k')} IS NOT NULL GROUP BY ${sql.join(groups)}`;
  return offendersSql(keys, limit);
}

/**
 * Per key: how many of its validity ranges overlap the next one by start. Sorted by start, a range
 * overlapping any later one overlaps the next, so comparing neighbours finds every key with an
 * overlap. An open end (NULL) reaches to infinity.
 */
export function overlappingRangesSql(model: SemanticModelDef, entity: EntityDef, start: DimensionDef, end: DimensionDef, limit = TOP_KEYS): string {
  const [k, s, e, next] = [sql.id('k'), sql.id('s'), sql.id('e'), sql.id('next_start')];
  const rows = sql`SELECT ${elementSql(entity.expr)} AS ${k}, ${elementSql(start.expr)} AS ${s}, ${elementSql(end.expr)} AS ${e} FROM ${relationRef(model.relation)}`;
  const ordered = sql`SELECT ${k}, ${e}, LEAD(${s}) OVER (PARTITION BY ${k} ORDER BY ${s}, ${e} NULLS LAST) AS ${next} FROM (${rows}) AS ${sql.id('r')} WHERE ${k} IS NOT NULL`;
  const keys = sql`SELECT CAST(${k} AS TEXT) AS ${sql.id('key')}, count(*) FILTER (WHERE ${next} IS NOT NULL AND (${e} IS NULL OR ${next} < ${e})) AS ${sql.id('n')},
    ROW_NUMBER() OVER (ORDER BY ${k}) AS ${sql.id('o')}
    FROM (${ordered}) AS ${sql.id('o')} GROUP BY ${k}`;
  return offendersSql(keys, limit, 0);
}

/** Totals over `keys` (key, n, key order o) and the `limit` keys with the largest n above `threshold`, then by key. */
function offendersSql(keys: RawBuilder<unknown>, limit: number, threshold = 1): string {
  const [key, n, o] = [sql.id('key'), sql.id('n'), sql.id('o')];
  const over = sql`${n} > ${sql.lit(threshold)}`;
  return sql`WITH ${sql.id('keys')} AS (${keys}),
    ${sql.id('totals')} AS (SELECT count(*) AS ${sql.id('checked')}, count(*) FILTER (WHERE ${over}) AS ${sql.id('offending')} FROM ${sql.id('keys')}),
    ${sql.id('top')} AS (SELECT ${key}, ${n}, ${o} FROM ${sql.id('keys')} WHERE ${over} ORDER BY ${n} DESC, ${o} LIMIT ${sql.lit(limit)})
    SELECT ${sql.id('totals')}.*, ${sql.id('top')}.${key}, ${sql.id('top')}.${n} AS ${sql.id('count')}
    FROM ${sql.id('totals')} LEFT JOIN ${sql.id('top')} ON true ORDER BY ${sql.id('top')}.${n} DESC NULLS LAST, ${sql.id('top')}.${o}`.compile(coldKysely).sql;
}

interface KeyCheck {
  readonly name: string;
  readonly model: SemanticModelDef;
  readonly entity: EntityDef;
  readonly sql: string;
  /** Finding text for `offending` keys, the worst ones listed. */
  readonly describe: (offending: number, checked: number, top: string) => string;
  readonly code: 'KEY_NOT_UNIQUE' | 'VALIDITY_OVERLAP';
}

function checksOf(model: SemanticModelDef): KeyCheck[] {
  const table = relationName(model.relation);
  const partitioned = model.dimensions.some((d) => d.isPartition) ? ' per partition' : '';
  const checks: KeyCheck[] = model.entities
    .filter((e) => e.type === 'primary' || e.type === 'unique')
    .map((entity) => ({
      name: `unique_key:${model.name}.${entity.name}`,
      model,
      entity,
      sql: duplicateKeysSql(model, entity),
      code: 'KEY_NOT_UNIQUE',
      describe: (offending, checked, top) =>
        `${entity.type} entity '${entity.name}' of '${model.name}' is not unique${partitioned} in ${table}: ${offending} of ${checked} keys are on more than one row (rows per key: ${top}); joins through it multiply numbers`,
    }));
  const start = model.dimensions.find((d) => d.validity?.isStart);
  const end = model.dimensions.find((d) => d.validity?.isEnd);
  const natural = model.entities.find((e) => e.type === 'natural') ?? model.entities.find((e) => e.type === 'primary' || e.type === 'unique');
  if (start && end && natural) {
    checks.push({
      name: `validity_ranges:${model.name}.${natural.name}`,
      model,
      entity: natural,
      sql: overlappingRangesSql(model, natural, start, end),
      code: 'VALIDITY_OVERLAP',
      describe: (offending, checked, top) =>
        `validity ranges [${start.name}, ${end.name}) of '${model.name}' overlap for ${offending} of ${checked} '${natural.name}' keys in ${table} (overlaps per key: ${top}); a time can match several rows of one key`,
    });
  }
  return checks;
}

export async function runKeyChecks(models: readonly SemanticModelDef[], wh: Warehouse, readable: ReadonlySet<string>): Promise<PhaseResult> {
  const phase = emptyPhase();
  for (const check of models.flatMap(checksOf)) {
    if (!readable.has(check.model.name)) {
      phase.checks.push({ name: check.name, status: 'skipped', checked: 0, failed: 0, detail: 'relation cannot be read' });
      continue;
    }
    try {
      const rows = (await wh.query<KeyCheckRow>(check.sql)).rows;
      const checked = Number(rows[0]?.checked ?? 0);
      const offending = Number(rows[0]?.offending ?? 0);
      if (offending === 0) {
        phase.checks.push({ name: check.name, status: 'passed', checked, failed: 0, detail: `${checked} keys, none ${check.code === 'KEY_NOT_UNIQUE' ? 'repeated' : 'overlapping'}` });
        continue;
      }
      const listed = rows.filter((r) => r.key !== null);
      const top = listed.map((r) => `${r.key} ×${Number(r.count)}`).join(', ') + (offending > listed.length ? ', …' : '');
      const message = check.describe(offending, checked, top);
      phase.errors.push(findingAt(check.entity.loc, check.code, message));
      phase.checks.push({ name: check.name, status: 'failed', checked, failed: offending, detail: `${offending} of ${checked} keys: ${top}` });
    } catch (e) {
      phase.errors.push(findingAt(check.entity.loc, 'DATA_TEST_INVALID', `${check.name} cannot run: ${warehouseMessage(e)}`));
      phase.checks.push({ name: check.name, status: 'failed', checked: 0, failed: 0, detail: warehouseMessage(e) });
    }
  }
  return phase;
}
