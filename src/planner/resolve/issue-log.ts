import { MaatstafError, type QueryIssue } from '../../core/errors.js';

/** Collects every problem of a request; `throwIfAny` raises one MaatstafError carrying all of them. */
export class IssueLog {
  readonly #issues: QueryIssue[] = [];

  add(issue: QueryIssue): void {
    this.#issues.push(issue);
  }

  get count(): number {
    return this.#issues.length;
  }

  throwIfAny(): void {
    const [first, ...rest] = this.#issues;
    if (!first) return;
    const message = rest.length ? `${first.message} (and ${rest.length} more: ${rest.map((i) => i.message).join(' ')})` : first.message;
    const { code, message: _m, ...details } = first;
    throw new MaatstafError(code, message, { ...details, ...(rest.length ? { issues: this.#issues } : {}) });
  }
}
