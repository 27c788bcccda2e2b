/**
 * The dashboard's KPI tiles. Each states one fact about one named period (see tile-facts.ts): the
 * latest value, a comparison with an offset period, the busiest weekday × hour slot, or the top group.
 */
import { h } from './dom.js';
import { formatChange, formatGroupValue, formatPeriod, formatValue } from './format.js';
import { labelOf, t } from './i18n.js';
import { ragStatus } from './rag.js';
import { sparkline } from './sparkline.js';
import { busiestSlot, grainOf, latestFact, percentChange, shiftPeriod, topGroup, valueAt, type Grain } from './tile-facts.js';
import type { MetricDetail, MetricSummary, Row } from './types.js';

export interface TileContext {
  readonly rows: readonly Row[];
  readonly timeColumn: string;
  readonly today: string;
  /** The dashboard's period: the latest one in which its lead metric has a value. */
  readonly anchor?: string;
}

function periodText(period: string, grain: Grain, inProgress: boolean): string {
  return `${formatPeriod(period, grain)}${inProgress ? ` (${t().inProgress})` : ''}`;
}

/** The metric this one shifts in time (an offset metric: one input with an offset window), if any. */
export function offsetOf(detail: MetricDetail | undefined): { base: string; count: number; grain: Grain } | null {
  const inputs = (detail as unknown as { definition?: { inputs?: { name: string; offsetWindow?: { count: number; grain: string } }[] } })?.definition?.inputs;
  const only = inputs?.length === 1 ? inputs[0] : undefined;
  if (!only?.offsetWindow) return null;
  return { base: only.name, count: only.offsetWindow.count, grain: only.offsetWindow.grain as Grain };
}

export function valueTile(metric: MetricSummary | undefined, name: string, detail: MetricDetail | undefined, ctx: TileContext): HTMLElement {
  const g = detail?.governance ?? {};
  const format = g.format ?? metric?.format;
  const grain = grainOf(ctx.timeColumn);
  const fact = latestFact(ctx.rows, ctx.timeColumn, name, ctx.today, ctx.anchor);
  const rag = ragStatus(fact?.value ?? null, g.target, g.direction);
  const ragText = { green: t().onTarget, amber: t().nearTarget, red: t().offTarget, none: t().noTarget }[rag];
  const history = ctx.rows.filter((r) => typeof r[ctx.timeColumn] === 'string' && (r[ctx.timeColumn] as string) <= (fact?.period ?? ctx.today));
  const offset = offsetOf(detail);
  const baseValue = offset && fact ? valueAt(ctx.rows, ctx.timeColumn, offset.base, fact.period) : null;
  return h(
    'li',
    { class: `tile rag-${rag}`, 'data-metric': name, 'data-rag': rag, 'data-period': fact?.period ?? '', 'data-in-progress': fact?.inProgress ? 'true' : null },
    h('h3', {}, metric ? labelOf(metric) : name),
    h('p', { class: 'tile-value' }, formatValue(fact?.value ?? null, format)),
    h('p', { class: 'tile-period' }, `${t().current}${fact ? `: ${periodText(fact.period, grain, fact.inProgress)}` : ''}`),
    offset && fact ? compareLine(fact.period, grain, baseValue, fact.value, offset, format) : null,
    h('p', { class: 'tile-target' },
      h('span', { class: `rag-dot rag-dot-${rag}`, 'aria-hidden': 'true' }),
      g.target === undefined ? ragText : `${ragText} · ${t().target} ${formatValue(g.target, format)} (${(t() as unknown as Record<string, string>)[g.direction ?? ''] ?? g.direction ?? ''})`),
    h('div', { class: 'tile-spark', title: t().trend }, sparkline(history.map((r) => (typeof r[name] === 'number' ? (r[name] as number) : null)))),
  );
}

/**
 * An offset metric's value for period P is the base metric's value in P minus the offset: the tile
 * names both periods ("dec 2025: 79 — dec 2024: 118, −33,1 %") instead of one date for two years.
 */
function compareLine(period: string, grain: Grain, now: number | null, before: number, offset: { count: number; grain: Grain }, format?: string): HTMLElement {
  const earlier = shiftPeriod(period, -offset.count, offset.grain);
  const change = percentChange(now, before);
  const text = `${formatPeriod(period, grain)}: ${formatValue(now, format)} — ${formatPeriod(earlier, grain)}: ${formatValue(before, format)}${change === null ? '' : `, ${formatChange(change)}`}`;
  return h('p', { class: 'tile-compare', 'data-period': period, 'data-earlier-period': earlier, 'data-change': change === null ? '' : String(change) }, text);
}

/** Weekday × hour as a small heatmap, with the busiest slot in words (the grid itself is decorative). */
export function heatmapTile(metric: MetricSummary | undefined, name: string, rows: readonly Row[], dowColumn: string, hourColumn: string): HTMLElement {
  const slot = busiestSlot(rows, dowColumn, hourColumn, name);
  const known = rows.filter((r) => typeof r[dowColumn] === 'number' && typeof r[hourColumn] === 'number');
  const hours = [...new Set(known.map((r) => r[hourColumn] as number))].sort((a, b) => a - b);
  const max = slot?.value || 1;
  const grid = h('div', { class: 'mini-heatmap', 'aria-hidden': 'true', style: `grid-template-columns: repeat(${hours.length || 1}, 1fr)` });
  for (let dow = 1; dow <= 7; dow++) {
    for (const hour of hours) {
      const v = known.find((r) => r[dowColumn] === dow && r[hourColumn] === hour)?.[name];
      const share = typeof v === 'number' ? v / max : 0;
      grid.appendChild(h('span', { style: `opacity: ${(0.08 + 0.92 * share).toFixed(2)}` }));
    }
  }
  const when = slot ? `${formatGroupValue(slot.dow, { kind: 'time', grain: 'extract_dow' })} ${formatGroupValue(slot.hour, { kind: 'time', grain: 'extract_hour' })}` : t().none;
  return h(
    'li',
    { class: 'tile tile-heatmap rag-none', 'data-metric': name, 'data-busiest-dow': slot?.dow ?? '', 'data-busiest-hour': slot?.hour ?? '' },
    h('h3', {}, metric ? labelOf(metric) : name),
    h('p', { class: 'tile-busiest' }, `${t().busiestSlot}: `, h('strong', {}, when), slot ? ` (${formatValue(slot.value, metric?.format)})` : ''),
    grid,
  );
}

/** The top group of a category dimension in the dashboard's period; unknown groups never win. */
export function rankingTile(metric: MetricSummary | undefined, name: string, rows: readonly Row[], groupColumn: string, groupLabel: string, period: string | undefined, grain: Grain, lowerIsBetter: boolean): HTMLElement {
  const top = topGroup(rows, groupColumn, name, lowerIsBetter);
  return h(
    'li',
    { class: 'tile tile-ranking rag-none', 'data-metric': name, 'data-ranking': groupColumn, 'data-top-group': top?.group ?? '' },
    h('h3', {}, `${metric ? labelOf(metric) : name}: ${lowerIsBetter ? t().lowest : t().highest} (${groupLabel})`),
    h('p', { class: 'tile-value' }, top ? top.group : t().none),
    h('p', { class: 'tile-period' }, `${top ? formatValue(top.value, metric?.format) : ''}${period ? ` · ${formatPeriod(period, grain)}` : ''}`),
  );
}
