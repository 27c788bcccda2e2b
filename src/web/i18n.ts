/**
 * Dutch (default) and English interface text. Metric labels come from the definitions: `label`
 * (Dutch) and `meta.label_en` (served as labelEn).
 */
export type Lang = 'nl' | 'en';
const STORAGE = 'maatstaf.lang';

const nl = {
  skip: 'Naar de inhoud',
  nav: 'Hoofdmenu',
  catalog: 'Catalogus',
  explorer: 'Verkenner',
  dashboards: 'Dashboards',
  switchLang: 'English',
  switchLangLabel: 'Switch to English',
  apiKey: 'API-sleutel',
  apiKeyHint: 'Alleen bewaard in deze browsersessie. Zonder sleutel ziet u alleen openbare metrieken.',
  keyActive: 'actief',
  save: 'Opslaan',
  loading: 'Laden…',
  search: 'Zoeken',
  searchHint: 'Naam, omschrijving of definitie',
  owner: 'Eigenaar (afdeling)',
  status: 'Status',
  tag: 'Label',
  sensitivity: 'Gevoeligheid',
  all: 'Alle',
  results: (n: number) => `${n} ${n === 1 ? 'metriek' : 'metrieken'}`,
  certified: 'gecertificeerd',
  draft: 'concept',
  deprecated: 'vervallen',
  public: 'openbaar',
  internal: 'intern',
  personal: 'persoonsgegevens',
  steward: 'Beheerder',
  target: 'Norm',
  direction: 'Richting',
  higher_is_better: 'hoger is beter',
  lower_is_better: 'lager is beter',
  unit: 'Eenheid',
  type: 'Soort',
  refresh: 'Verversing',
  version: 'Versie',
  source: 'Bron',
  definition: 'Definitie',
  lineage: 'Herkomst (tabellen en kolommen)',
  tables: 'Tabellen',
  reads: 'Leest',
  role: 'Rol',
  expression: 'Expressie',
  model: 'Semantisch model',
  dimensions: 'Uitsplitsingen',
  kind: 'Soort',
  grains: 'Korrels en datumdelen',
  compiledSql: 'Gecompileerde SQL (per maand)',
  openInExplorer: 'Openen in de verkenner',
  backToCatalog: 'Terug naar de catalogus',
  metrics: 'Metrieken',
  groupBy: 'Uitsplitsen naar',
  addGroupBy: 'Uitsplitsing toevoegen',
  grain: 'Korrel of datumdeel',
  remove: 'Verwijderen',
  filters: 'Filters',
  addFilter: 'Filter toevoegen',
  dimension: 'Dimensie',
  values: 'Waarden',
  timeRange: 'Periode',
  start: 'Van',
  end: 'Tot en met',
  run: 'Toon resultaat',
  chooseMetric: 'Kies ten minste één metriek.',
  chart: 'Grafiek',
  table: 'Tabel',
  rows: (n: number) => `${n} ${n === 1 ? 'rij' : 'rijen'}`,
  downloadCsv: 'CSV downloaden',
  copyUrl: 'Power BI / Excel-URL kopiëren',
  copyGraphql: 'GraphQL kopiëren',
  copyCurl: 'curl kopiëren',
  copied: 'Gekopieerd naar het klembord.',
  copyManual: 'Kopiëren lukte niet; selecteer de tekst hieronder.',
  chartAlt: 'Grafiek; dezelfde gegevens staan in de tabel ernaast.',
  heatmapTitle: (m: string) => `${m} per weekdag en uur`,
  error: 'Dat lukte niet',
  didYouMean: 'Bedoelde u:',
  tryAgain: 'Probeer het opnieuw of pas de vraag aan.',
  noRows: 'Geen rijen voor deze vraag.',
  tiles: 'Opgeslagen vragen als KPI-tegels',
  current: 'Laatste waarde',
  noTarget: 'geen norm',
  onTarget: 'op norm',
  nearTarget: 'bijna op norm',
  offTarget: 'onder norm',
  trend: 'Verloop',
  total: 'totaal',
  none: '—',
  yes: 'ja',
  notFound: 'Pagina niet gevonden.',
  weekday: 'Weekdag',
  hour: 'Uur',
  days: ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'],
  daysShort: ['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'],
  grainNames: {
    hour: 'uur', day: 'dag', week: 'week', month: 'maand', quarter: 'kwartaal', year: 'jaar',
    extract_year: 'jaartal', extract_quarter: 'kwartaalnummer', extract_month: 'maandnummer', extract_week: 'weeknummer',
    extract_day: 'dag van de maand', extract_dow: 'weekdag', extract_doy: 'dag van het jaar', extract_hour: 'uur van de dag',
  } as Record<string, string>,
  problems: {
    UNKNOWN_METRIC: 'Deze metriek bestaat niet (of u mag haar niet zien).',
    UNKNOWN_GROUP_BY: 'Deze uitsplitsing kan niet bij deze metrieken.',
    INVALID_QUERY: 'De vraag is niet geldig.',
    INVALID_FILTER: 'Het filter is niet geldig.',
    UNAUTHENTICATED: 'U moet zich aanmelden: vul een API-sleutel in.',
    FORBIDDEN: 'Deze sleutel geeft geen toegang tot deze gegevens.',
    WAREHOUSE_BUSY: 'Het datawarehouse is druk. Probeer het zo opnieuw.',
    WAREHOUSE_UNAVAILABLE: 'Het datawarehouse is nu niet bereikbaar.',
    NETWORK: 'De server is niet bereikbaar.',
  } as Record<string, string>,
};

type Dict = typeof nl;

const en: Dict = {
  ...nl,
  skip: 'Skip to content',
  nav: 'Main menu',
  catalog: 'Catalogue',
  explorer: 'Explorer',
  dashboards: 'Dashboards',
  switchLang: 'Nederlands',
  switchLangLabel: 'Schakel naar Nederlands',
  apiKey: 'API key',
  apiKeyHint: 'Kept in this browser session only. Without a key you see public metrics only.',
  keyActive: 'set',
  save: 'Save',
  loading: 'Loading…',
  search: 'Search',
  searchHint: 'Name, description or definition',
  owner: 'Owner (department)',
  status: 'Status',
  tag: 'Tag',
  sensitivity: 'Sensitivity',
  all: 'All',
  results: (n) => `${n} ${n === 1 ? 'metric' : 'metrics'}`,
  certified: 'certified',
  draft: 'draft',
  deprecated: 'deprecated',
  public: 'public',
  internal: 'internal',
  personal: 'personal data',
  steward: 'Steward',
  target: 'Target',
  direction: 'Direction',
  higher_is_better: 'higher is better',
  lower_is_better: 'lower is better',
  unit: 'Unit',
  type: 'Type',
  refresh: 'Refresh',
  version: 'Version',
  source: 'Source',
  definition: 'Definition',
  lineage: 'Lineage (tables and columns)',
  tables: 'Tables',
  reads: 'Reads',
  role: 'Role',
  expression: 'Expression',
  model: 'Semantic model',
  dimensions: 'Dimensions',
  kind: 'Kind',
  grains: 'Grains and date parts',
  compiledSql: 'Compiled SQL (by month)',
  openInExplorer: 'Open in the explorer',
  backToCatalog: 'Back to the catalogue',
  metrics: 'Metrics',
  groupBy: 'Group by',
  addGroupBy: 'Add a group-by',
  grain: 'Grain or date part',
  remove: 'Remove',
  filters: 'Filters',
  addFilter: 'Add a filter',
  dimension: 'Dimension',
  values: 'Values',
  timeRange: 'Time range',
  start: 'From',
  end: 'To (inclusive)',
  run: 'Show result',
  chooseMetric: 'Choose at least one metric.',
  chart: 'Chart',
  table: 'Table',
  rows: (n) => `${n} ${n === 1 ? 'row' : 'rows'}`,
  downloadCsv: 'Download CSV',
  copyUrl: 'Copy Power BI / Excel URL',
  copyGraphql: 'Copy GraphQL',
  copyCurl: 'Copy curl',
  copied: 'Copied to the clipboard.',
  copyManual: 'Copying failed; select the text below.',
  chartAlt: 'Chart; the same data is in the table beside it.',
  heatmapTitle: (m) => `${m} by weekday and hour`,
  error: 'That did not work',
  didYouMean: 'Did you mean:',
  tryAgain: 'Try again or change the query.',
  noRows: 'No rows for this query.',
  tiles: 'Saved queries as KPI tiles',
  current: 'Latest value',
  noTarget: 'no target',
  onTarget: 'on target',
  nearTarget: 'near target',
  offTarget: 'off target',
  trend: 'Trend',
  total: 'total',
  yes: 'yes',
  notFound: 'Page not found.',
  weekday: 'Weekday',
  hour: 'Hour',
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  daysShort: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  grainNames: {
    hour: 'hour', day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year',
    extract_year: 'year number', extract_quarter: 'quarter number', extract_month: 'month number', extract_week: 'week number',
    extract_day: 'day of month', extract_dow: 'weekday', extract_doy: 'day of year', extract_hour: 'hour of day',
  },
  problems: {
    UNKNOWN_METRIC: 'This metric does not exist (or you may not see it).',
    UNKNOWN_GROUP_BY: 'This group-by is not available for these metrics.',
    INVALID_QUERY: 'The query is not valid.',
    INVALID_FILTER: 'The filter is not valid.',
    UNAUTHENTICATED: 'Please sign in: enter an API key.',
    FORBIDDEN: 'This key gives no access to this data.',
    WAREHOUSE_BUSY: 'The warehouse is busy. Try again shortly.',
    WAREHOUSE_UNAVAILABLE: 'The warehouse cannot be reached now.',
    NETWORK: 'The server cannot be reached.',
  },
};

let lang: Lang = readLang();

function readLang(): Lang {
  try {
    return localStorage.getItem(STORAGE) === 'en' ? 'en' : 'nl';
  } catch {
    return 'nl';
  }
}

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(STORAGE, next);
  } catch {
    // Blocked storage: the choice lasts for this page.
  }
  document.documentElement.lang = next;
}

export function t(): Dict {
  return lang === 'en' ? en : nl;
}

/** A metric's or dimension's label in the interface language. */
export function labelOf(item: { name: string; label?: string; labelEn?: string }): string {
  if (lang === 'en') return item.labelEn || item.label || item.name;
  return item.label || item.name;
}

export function locale(): string {
  return lang === 'en' ? 'en-GB' : 'nl-NL';
}
