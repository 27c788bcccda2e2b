/**
 * What residents report about public space (meldingen openbare ruimte), how often, when, and how fast
 * it is handled. Volumes are per year at scale 1 for ~110,000 inhabitants (~20,000 reports a year).
 */
import { dayFromCivil, type Day } from './days.js';

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

/** 'day': reported mostly during the day; 'evening': nuisance, reported in the evening and at night. */
export type TimeProfile = 'day' | 'evening';

export interface Subcategory {
  readonly category: string;
  readonly name: string;
  readonly perYear: number;
  /** Relative volume by month (Jan..Dec); normalised to mean 1. */
  readonly season: readonly number[];
  /** Volume multiplier on storm days (half the extra on the day after). */
  readonly storm: number;
  /** Volume multiplier on snow days. */
  readonly snow: number;
  readonly profile: TimeProfile;
  /** Weights for low, normal, high, urgent. */
  readonly priority: readonly [number, number, number, number];
  /** Median working days to resolve at normal priority. */
  readonly medianWorkdays: number;
}

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const SUMMER = [0.7, 0.7, 0.85, 1, 1.15, 1.3, 1.4, 1.35, 1.1, 0.9, 0.8, 0.75];
const LEAVES = [0.3, 0.05, 0.02, 0.01, 0.01, 0.01, 0.02, 0.05, 0.4, 3.2, 4.5, 1.6];
const GROWING = [0.1, 0.1, 0.4, 1, 1.9, 2.2, 2, 1.7, 1.1, 0.5, 0.2, 0.1];
const MOWING = [0.02, 0.02, 0.2, 0.9, 2.2, 2.6, 2.2, 1.8, 1.2, 0.5, 0.1, 0.02];
const DARK = [1.6, 1.3, 1, 0.7, 0.5, 0.4, 0.45, 0.6, 0.9, 1.3, 1.6, 1.8];
const FROST = [1.5, 1.7, 1.4, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1, 1.3];
const WINTER_ONLY = [3, 2.5, 0.6, 0.05, 0.01, 0.01, 0.01, 0.01, 0.01, 0.1, 1, 2.5];
const AUTUMN = [1.2, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.4, 1.3, 1.2];
const DRAINS = [1, 0.9, 0.8, 0.8, 0.8, 0.9, 1, 1, 1.1, 1.4, 1.5, 1.2];
const THUNDER = [0.8, 0.7, 0.6, 0.6, 0.9, 1.3, 1.5, 1.5, 1, 1, 1, 0.9];

type Spec = [name: string, perYear: number, season: number[], storm: number, snow: number, profile: TimeProfile, priority: [number, number, number, number], medianWorkdays: number];

const CATALOGUE: Record<string, Spec[]> = {
  afval: [
    ['zwerfvuil', 2200, SUMMER, 1.8, 1, 'day', [0.55, 0.43, 0.02, 0], 2],
    ['volle afvalbak', 1200, SUMMER, 1, 1, 'day', [0.3, 0.65, 0.05, 0], 1],
    ['illegale dumping', 1100, FLAT, 1, 1, 'day', [0.15, 0.7, 0.15, 0], 3],
    ['container defect', 600, FLAT, 3, 1, 'day', [0.1, 0.7, 0.2, 0], 4],
  ],
  groen: [
    ['bladafval', 1300, LEAVES, 2, 1, 'day', [0.6, 0.38, 0.02, 0], 6],
    ['snoeien', 900, FLAT, 1, 1, 'day', [0.55, 0.42, 0.03, 0], 15],
    ['omgevallen boom of takken', 500, FLAT, 25, 2, 'day', [0, 0.25, 0.45, 0.3], 2],
    ['onkruid', 500, GROWING, 1, 1, 'day', [0.75, 0.25, 0, 0], 12],
    ['gras maaien', 400, MOWING, 1, 1, 'day', [0.7, 0.3, 0, 0], 10],
  ],
  verlichting: [
    ['lantaarnpaal defect', 1500, DARK, 2, 1, 'day', [0.05, 0.8, 0.15, 0], 7],
    ['verlichting overdag aan', 150, FLAT, 1, 1, 'day', [0.5, 0.5, 0, 0], 10],
  ],
  wegen: [
    ['gat in de weg', 1300, FROST, 1, 1.5, 'day', [0.05, 0.55, 0.35, 0.05], 6],
    ['losliggende tegel', 1000, FLAT, 1, 1, 'day', [0.15, 0.7, 0.15, 0], 8],
    ['gladheid', 40, WINTER_ONLY, 1, 80, 'day', [0, 0.2, 0.5, 0.3], 0.5],
    ['verkeersbord beschadigd', 400, FLAT, 4, 1, 'day', [0.05, 0.6, 0.3, 0.05], 5],
  ],
  riolering: [
    ['verstopte put', 600, DRAINS, 4, 1, 'day', [0.05, 0.65, 0.3, 0], 5],
    ['wateroverlast', 350, THUNDER, 15, 1, 'day', [0, 0.3, 0.45, 0.25], 1.5],
  ],
  overlast: [
    ['geluidsoverlast', 900, SUMMER, 1, 0.5, 'evening', [0.2, 0.7, 0.1, 0], 3],
    ['hondenpoep', 700, FLAT, 1, 1, 'day', [0.7, 0.3, 0, 0], 6],
    ['jongerenoverlast', 500, SUMMER, 0.5, 0.5, 'evening', [0.1, 0.7, 0.2, 0], 4],
    ['fout geparkeerd', 700, FLAT, 1, 1, 'day', [0.3, 0.6, 0.1, 0], 2],
  ],
  fietsen: [
    ['weesfiets', 600, FLAT, 1, 1, 'day', [0.8, 0.2, 0, 0], 20],
    ['fietswrak', 300, FLAT, 1, 1, 'day', [0.8, 0.2, 0, 0], 12],
  ],
  speelvoorzieningen: [['speeltoestel kapot', 450, SUMMER, 1, 1, 'day', [0, 0.5, 0.45, 0.05], 5]],
  dieren: [
    ['dood dier', 350, FLAT, 1, 1, 'day', [0.1, 0.6, 0.3, 0], 1],
    ['ratten', 450, AUTUMN, 1, 1, 'day', [0.1, 0.7, 0.2, 0], 8],
  ],
  vandalisme: [
    ['graffiti', 400, FLAT, 1, 1, 'day', [0.5, 0.45, 0.05, 0], 7],
    ['vernieling', 300, SUMMER, 1, 1, 'day', [0.2, 0.6, 0.2, 0], 6],
  ],
};

function normalise(season: readonly number[]): number[] {
  const mean = season.reduce((a, b) => a + b, 0) / season.length;
  return season.map((v) => v / mean);
}

export const SUBCATEGORIES: readonly Subcategory[] = Object.entries(CATALOGUE).flatMap(([category, specs]) =>
  specs.map(([name, perYear, season, storm, snow, profile, priority, medianWorkdays]) => ({
    category, name, perYear, season: normalise(season), storm, snow, profile, priority, medianWorkdays,
  })),
);

export const CATEGORIES: readonly string[] = Object.keys(CATALOGUE);

/** Storm days (modelled on real North Sea storms of those years): fallen trees, flooding. */
export const STORM_DAYS: ReadonlySet<Day> = new Set([
  dayFromCivil(2023, 7, 5), dayFromCivil(2023, 11, 2), dayFromCivil(2024, 1, 2),
  dayFromCivil(2024, 1, 21), dayFromCivil(2025, 1, 24), dayFromCivil(2025, 10, 4),
]);

function range(first: Day, last: Day): Day[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Snow and frost spells: slippery roads. */
export const SNOW_DAYS: ReadonlySet<Day> = new Set([
  ...range(dayFromCivil(2023, 3, 7), dayFromCivil(2023, 3, 12)),
  ...range(dayFromCivil(2024, 1, 15), dayFromCivil(2024, 1, 21)),
  ...range(dayFromCivil(2025, 1, 6), dayFromCivil(2025, 1, 12)),
]);

/** Volume multiplier of a subcategory on a day because of storm or snow (1 on ordinary days). */
export function weatherMultiplier(sub: Subcategory, day: Day): number {
  let factor = 1;
  if (STORM_DAYS.has(day)) factor *= sub.storm;
  else if (STORM_DAYS.has(day - 1)) factor *= 1 + (sub.storm - 1) / 2;
  if (SNOW_DAYS.has(day)) factor *= sub.snow;
  return factor;
}

/** Crews are busy for a few days after a storm or snow spell: everything takes longer. */
export function isBacklogPeriod(day: Day): boolean {
  for (let back = 0; back <= 5; back++) {
    if (STORM_DAYS.has(day - back) || SNOW_DAYS.has(day - back)) return true;
  }
  return false;
}
