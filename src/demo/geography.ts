/**
 * The fictional municipality of Dijkstede (about 110,000 inhabitants): 12 districts (wijken) and
 * their neighbourhoods (buurten). Fixed data: the same for every seed. Codes follow the CBS pattern
 * (WK/BU + fictional municipality code 1999).
 */
import type { TableSpec } from './bulk-insert.js';

export const MUNICIPALITY_NAME = 'Dijkstede';

/** Report categories whose volume in a district differs from "per inhabitant" (see report-catalogue). */
export type DistrictCharacter = Readonly<Record<string, number>>;

export interface District {
  readonly id: number;
  readonly name: string;
  readonly areaHectares: number;
  /** Multiplier on public-space reports per inhabitant, by category. */
  readonly character: DistrictCharacter;
  /** Relative share of benefit cases per inhabitant (deprivation). */
  readonly deprivation: number;
  readonly neighbourhoods: readonly (readonly [name: string, population: number])[];
}

export const DISTRICTS: readonly District[] = [
  { id: 1, name: 'Binnenstad', areaHectares: 182, deprivation: 1.1,
    character: { overlast: 2.1, fietsen: 3, afval: 1.5, vandalisme: 1.8, groen: 0.5, speelvoorzieningen: 0.5 },
    neighbourhoods: [['Oude Markt', 2318], ['Kerkbuurt', 2087], ['Vestingwal', 2641], ['Stationsbuurt', 2396]] },
  { id: 2, name: 'Havenkwartier', areaHectares: 236, deprivation: 1.9,
    character: { overlast: 1.5, vandalisme: 1.6, afval: 1.3, dieren: 1.3 },
    neighbourhoods: [['Kadewijk', 2934], ['Oude Haven', 2175], ['Pakhuizen', 2713]] },
  { id: 3, name: 'Molenwijk', areaHectares: 264, deprivation: 1.5,
    character: { afval: 1.3, overlast: 1.2, speelvoorzieningen: 1.2 },
    neighbourhoods: [['Molenwijk-Noord', 3812], ['Molenwijk-Zuid', 4127], ['De Wieken', 2659]] },
  { id: 4, name: 'Bleekveld', areaHectares: 247, deprivation: 1.3, character: {},
    neighbourhoods: [['Bleekveld-Oost', 3288], ['Bleekveld-West', 3141], ['Lindehof', 2706]] },
  { id: 5, name: 'De Weeren', areaHectares: 331, deprivation: 0.8,
    character: { speelvoorzieningen: 1.6, groen: 1.2 },
    neighbourhoods: [['Weerenhof', 3007], ['Zilverschoon', 2893], ['Boterbloem', 3126], ['Klaverweide', 2781]] },
  { id: 6, name: 'Schuttersbos', areaHectares: 402, deprivation: 0.5,
    character: { groen: 1.7, verlichting: 1.2, overlast: 0.6 },
    neighbourhoods: [['Schuttershof', 2614], ['Eikenlaan', 2868], ['Beukenrode', 2923]] },
  { id: 7, name: 'Rietlanden', areaHectares: 388, deprivation: 1.2,
    character: { speelvoorzieningen: 1.3, riolering: 1.3 },
    neighbourhoods: [['Rietlanden-Noord', 3409], ['Rietlanden-Zuid', 3577], ['Lisdodde', 2911], ['Waterhoven', 3034]] },
  { id: 8, name: 'Vlietzoom', areaHectares: 295, deprivation: 0.9,
    character: { riolering: 1.4, dieren: 1.2 },
    neighbourhoods: [['Vlietoever', 3276], ['Zwanenwater', 3218], ['Kievitsveld', 3188]] },
  { id: 9, name: 'Kerkeveld', areaHectares: 268, deprivation: 1, character: {},
    neighbourhoods: [['Kerkeveld-Centrum', 3093], ['Pastoorsweide', 2884], ['Kloosterhof', 2937]] },
  { id: 10, name: 'Hoogkamp', areaHectares: 311, deprivation: 0.8, character: { groen: 1.2 },
    neighbourhoods: [['Hoogkamp-Oost', 3619], ['Hoogkamp-West', 3482], ['Sterrenwijk', 3105]] },
  { id: 11, name: 'Zandhorst', areaHectares: 356, deprivation: 0.6, character: { groen: 1.4, overlast: 0.7 },
    neighbourhoods: [['Zandhorst-Dorp', 3917], ['Heidepark', 3386]] },
  { id: 12, name: 'Buitengebied', areaHectares: 2870, deprivation: 0.4,
    character: { groen: 1.8, verlichting: 1.6, wegen: 1.5, overlast: 0.3, fietsen: 0.2, afval: 0.8 },
    neighbourhoods: [['Polder Noord', 1294], ['Oudeland', 1412], ['Groenedijk', 1178]] },
];

export interface Neighbourhood {
  readonly id: number;
  readonly districtId: number;
  readonly name: string;
  readonly population: number;
  /** Index within its district (0-based), used to lay out its grid cells. */
  readonly indexInDistrict: number;
}

/** Neighbourhood ids are district id × 100 + number within the district (101, 102, …). */
export const NEIGHBOURHOODS: readonly Neighbourhood[] = DISTRICTS.flatMap((d) =>
  d.neighbourhoods.map(([name, population], i) => ({ id: d.id * 100 + i + 1, districtId: d.id, name, population, indexInDistrict: i })),
);

export function districtPopulation(district: District): number {
  return district.neighbourhoods.reduce((sum, [, population]) => sum + population, 0);
}

export const TOTAL_POPULATION = DISTRICTS.reduce((sum, d) => sum + districtPopulation(d), 0);

const pad2 = (n: number): string => String(n).padStart(2, '0');

export interface DistrictRow {
  readonly district_id: number;
  readonly district_code: string;
  readonly district_name: string;
  readonly population: number;
  readonly area_hectares: number;
}

export interface NeighbourhoodRow {
  readonly neighbourhood_id: number;
  readonly district_id: number;
  readonly neighbourhood_code: string;
  readonly neighbourhood_name: string;
  readonly population: number;
}

export const DISTRICTS_SPEC: TableSpec<DistrictRow> = {
  table: 'districts',
  columns: [
    { name: 'district_id', type: 'int4' },
    { name: 'district_code', type: 'text' },
    { name: 'district_name', type: 'text' },
    { name: 'population', type: 'int4' },
    { name: 'area_hectares', type: 'int4' },
  ],
};

export const NEIGHBOURHOODS_SPEC: TableSpec<NeighbourhoodRow> = {
  table: 'neighbourhoods',
  columns: [
    { name: 'neighbourhood_id', type: 'int4' },
    { name: 'district_id', type: 'int4' },
    { name: 'neighbourhood_code', type: 'text' },
    { name: 'neighbourhood_name', type: 'text' },
    { name: 'population', type: 'int4' },
  ],
};

export function districtRows(): DistrictRow[] {
  return DISTRICTS.map((d) => ({
    district_id: d.id,
    district_code: `WK1999${pad2(d.id)}`,
    district_name: d.name,
    population: districtPopulation(d),
    area_hectares: d.areaHectares,
  }));
}

export function neighbourhoodRows(): NeighbourhoodRow[] {
  return NEIGHBOURHOODS.map((n) => ({
    neighbourhood_id: n.id,
    district_id: n.districtId,
    neighbourhood_code: `BU1999${pad2(n.districtId)}${pad2(n.indexInDistrict + 1)}`,
    neighbourhood_name: n.name,
    population: n.population,
  }));
}

/** Each neighbourhood covers a block of 12 × 8 grid cells of 100 m (CBS-style ids `E1534N4312`). */
export const CELLS_PER_NEIGHBOURHOOD = 96;
const BLOCK_WIDTH = 12;

/**
 * The id of cell `rank` (0 = the busiest spot) of a neighbourhood. Ranks are scattered over the block
 * (37 is coprime with 96) so the hotspots are not all in one corner.
 */
export function locationCell(neighbourhood: Neighbourhood, rank: number): string {
  const position = (rank * 37 + neighbourhood.id) % CELLS_PER_NEIGHBOURHOOD;
  const x = 1500 + ((neighbourhood.districtId - 1) % 4) * 25 + (neighbourhood.indexInDistrict % 2) * BLOCK_WIDTH + (position % BLOCK_WIDTH);
  const y = 4300 + Math.floor((neighbourhood.districtId - 1) / 4) * 25 + Math.floor(neighbourhood.indexInDistrict / 2) * 8 + Math.floor(position / BLOCK_WIDTH);
  return `E${x}N${y}`;
}
