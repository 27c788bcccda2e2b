/** Red/amber/green from a metric's target and direction: green at or past the target, amber within 10 %. */
export type Rag = 'green' | 'amber' | 'red' | 'none';

export function ragStatus(value: number | null | undefined, target: number | undefined, direction: string | undefined): Rag {
  if (value === null || value === undefined || target === undefined || !Number.isFinite(value)) return 'none';
  const lowerIsBetter = direction === 'lower_is_better';
  const meets = lowerIsBetter ? value <= target : value >= target;
  if (meets) return 'green';
  const margin = Math.abs(target) * 0.1;
  const near = lowerIsBetter ? value <= target + margin : value >= target - margin;
  return near ? 'amber' : 'red';
}
