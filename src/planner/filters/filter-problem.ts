/**
 * What the filter stages throw internally. `parseFilter` turns it into the public
 * `MaatstafError('INVALID_FILTER', …)` with the request path, after replacing internal placeholder
 * names by the Jinja calls the user wrote — so no stage has to know about either.
 */
export class FilterProblem extends Error {
  readonly offending?: string;
  readonly suggestions?: readonly string[];

  constructor(message: string, details: { offending?: string; suggestions?: readonly string[] } = {}) {
    super(message);
    this.name = 'FilterProblem';
    if (details.offending !== undefined) this.offending = details.offending;
    if (details.suggestions !== undefined && details.suggestions.length > 0) this.suggestions = details.suggestions;
  }
}

/** Quote a user-written fragment for a message, shortened so a hostile input cannot flood the message. */
export function quoteFragment(text: string, max = 40, quote = "'"): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return `${quote}${oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine}${quote}`;
}
