import type { NodeId, PlanNode } from './plan-nodes.js';

/** PostgreSQL truncates identifiers beyond 63 bytes; node ids stay below that. */
const MAX_ID_LENGTH = 63;

type NodeWithoutId = PlanNode extends infer N ? (N extends PlanNode ? Omit<N, 'id'> : never) : never;

/**
 * Collects plan nodes in creation order and names them from a per-plan counter, so the same
 * query always gives the same ids (and the same SQL).
 */
export class PlanBuilder {
  readonly #nodes: PlanNode[] = [];

  /** Adds a node named `<kind>_<n>[__<label>]` and returns its id. */
  add(node: NodeWithoutId, label?: string): NodeId {
    const base = `${node.kind.replaceAll('-', '_')}_${this.#nodes.length + 1}`;
    const id = (label ? `${base}__${label}` : base).slice(0, MAX_ID_LENGTH);
    this.#nodes.push({ ...node, id } as PlanNode);
    return id;
  }

  node(id: NodeId): PlanNode {
    const n = this.#nodes.find((x) => x.id === id);
    if (!n) throw new Error(`plan node ${id} does not exist`);
    return n;
  }

  columnsOf(id: NodeId): readonly string[] {
    return this.node(id).columns;
  }

  get nodes(): readonly PlanNode[] {
    return this.#nodes;
  }
}
