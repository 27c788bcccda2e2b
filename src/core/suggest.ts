/** Damerau-free Levenshtein distance; small inputs only (names), so the simple DP is fine. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The closest candidates to `input`, best first: names within an edit distance of about a third of
 * their length, plus names that contain the input (so `resolution` finds `median_resolution_hours`).
 */
export function suggest(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const hay = name.toLowerCase();
    const d = editDistance(needle, hay);
    const limit = Math.max(2, Math.ceil(Math.max(needle.length, hay.length) / 3));
    if (d <= limit) scored.push({ name, score: d });
    else if (needle.length >= 3 && (hay.includes(needle) || needle.includes(hay))) scored.push({ name, score: limit + 1 });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, max).map((s) => s.name);
}
