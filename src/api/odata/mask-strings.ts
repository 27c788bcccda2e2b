/** String literals of an OData expression masked out (and back), so text rewrites never touch them. */
export function maskStrings(text: string): { masked: string; unmask: (s: string) => string } {
  const strings: string[] = [];
  // OData string literals: single quotes, '' for a quote inside.
  const masked = text.replace(/'(?:[^']|'')*'/g, (m) => {
    strings.push(m);
    return `\uE000${strings.length - 1}\uE000`;
  });
  return { masked, unmask: (s) => s.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => strings[Number(i)]!) };
}
