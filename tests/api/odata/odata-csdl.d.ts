/** odata-csdl (OASIS' CSDL XML → JSON converter) ships no types. */
declare module 'odata-csdl' {
  export function xml2json(xml: string, options?: { lineNumbers?: boolean; annotations?: boolean; strict?: boolean; messages?: unknown[] }): Record<string, unknown>;
}
