/** The shapes of the public API answers the web app reads (see openapi/openapi.json). */
export interface MetricSummary {
  name: string;
  label: string;
  labelEn?: string;
  description?: string;
  descriptionEn?: string;
  type: string;
  unit?: string;
  format?: string;
  owner?: string;
  status?: 'draft' | 'certified' | 'deprecated';
  tags: string[];
}

export interface Governance {
  owner?: string;
  steward?: string;
  status?: string;
  version?: string;
  unit?: string;
  format?: string;
  target?: number;
  direction?: 'higher_is_better' | 'lower_is_better' | string;
  sensitivity?: 'public' | 'internal' | 'personal' | string;
  refresh?: string;
  definition?: string;
  definitionEn?: string;
  replacement?: string;
  sunset?: string;
  tags?: string[];
}

export interface GroupByItem {
  name: string;
  kind: 'time' | 'dimension' | 'entity' | string;
  label?: string;
  labelEn?: string;
  description?: string;
  grains?: string[];
  defaultGrain?: string;
  dateParts?: string[];
  customGrains?: string[];
  semanticModel?: string;
}

export interface LineageRead {
  semanticModel: string;
  role: string;
  name: string;
  expr: string;
}

export interface MetricDetail extends MetricSummary {
  governance: Governance;
  groupBy: GroupByItem[];
  source?: { file: string; line: number };
  lineage?: { relations: string[]; semanticModels: string[]; reads: LineageRead[]; filters: { expr?: string; sql?: string }[] };
  example?: { query: unknown; sql?: string; params?: unknown[]; error?: { code: string; message: string } };
}

export interface Column {
  name: string;
  kind: 'time' | 'dimension' | 'entity' | 'metric' | string;
  dataType: string;
  grain?: string;
  label?: string;
  unit?: string;
}

export type Row = Record<string, string | number | boolean | null>;

export interface QueryResult {
  columns: Column[];
  rows: Row[];
  meta: { rowCount: number; durationMs: number; sqlHash: string };
}

export interface SavedQuery {
  name: string;
  label?: string;
  description?: string;
  tags?: string[];
  query: { metrics: string[]; groupBy: string[]; where?: string[]; orderBy?: string[]; limit?: number };
}

export interface MetricQuery {
  metrics: string[];
  groupBy: string[];
  where?: string[];
  timeRange?: { start?: string; end?: string };
  orderBy?: string[];
  limit?: number;
  /** The API's forecast option (README "Forecasts"); the browser forecasts nothing itself. */
  forecast?: { horizon: number; level?: number };
  anomalies?: { level?: number };
}
