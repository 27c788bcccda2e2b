/** YAML paths as shown in messages: `metrics[2].type_params.measure`. */
export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    segments.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  }
  return segments;
}

/** `joinPath('metrics[2]', 'type_params.measure')`, `joinPath('metrics[2]', '[0]')`. */
export function joinPath(base: string, sub: string): string {
  if (sub === '') return base;
  if (base === '') return sub.startsWith('.') ? sub.slice(1) : sub;
  return sub.startsWith('[') ? base + sub : `${base}.${sub}`;
}
