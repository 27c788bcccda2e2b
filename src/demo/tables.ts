/** The demo warehouse's tables and their natural sort keys. */

export const DEMO_TABLES = [
  'districts',
  'neighbourhoods',
  'district_population',
  'calendar',
  'public_space_reports',
  'survey_responses',
  'daily_open_reports',
  'document_applications',
  'appointments',
  'benefit_cases',
  'school_absence_reports',
] as const;

export type DemoTable = (typeof DEMO_TABLES)[number];

/** ORDER BY list that sorts each table's rows the same way on every engine. */
export const DEMO_TABLE_ORDER: Readonly<Record<DemoTable, string>> = {
  districts: 'district_id',
  neighbourhoods: 'neighbourhood_id',
  district_population: 'district_id, reference_date',
  calendar: 'date_day',
  public_space_reports: 'report_id',
  survey_responses: 'survey_id',
  daily_open_reports: 'snapshot_date, district_id NULLS FIRST, category',
  document_applications: 'application_id',
  appointments: 'appointment_id',
  benefit_cases: 'case_id',
  school_absence_reports: 'report_id',
};

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
