/**
 * Maximum-weight assignment (the Hungarian algorithm with potentials, O(n^2 m)). `weight[i][j]`
 * is the value of giving row i column j; a weight <= 0 means "not worth assigning", so the
 * result is the best matching, not necessarily a perfect one. Weights must be exact in a double
 * (integers below 2^53), which keeps the optimum exact.
 */
export function maxWeightAssignment(weight: readonly (readonly number[])[]): {
  total: number;
  columnOfRow: number[];
} {
  const rows = weight.length;
  const cols = rows === 0 ? 0 : (weight[0]?.length ?? 0);
  // Square it up with zero-weight dummies so every row can stay unassigned at no cost.
  const n = Math.max(rows, cols);
  const cost = (i: number, j: number) => {
    const w = i < rows && j < cols ? (weight[i]?.[j] ?? 0) : 0;
    return w > 0 ? -w : 0;
  };
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j]: row (1-based) matched to column j
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - (u[i0] as number) - (v[j] as number);
        if (cur < (minv[j] as number)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] as number) < delta) {
          delta = minv[j] as number;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j] as number] = (u[p[j] as number] as number) + delta;
          v[j] = (v[j] as number) - delta;
        } else {
          minv[j] = (minv[j] as number) - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0] as number;
      p[j0] = p[j1] as number;
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOfRow = new Array<number>(rows).fill(-1);
  let total = 0;
  for (let j = 1; j <= n; j++) {
    const i = (p[j] as number) - 1;
    if (i < rows && j - 1 < cols) {
      const w = weight[i]?.[j - 1] ?? 0;
      if (w > 0) {
        columnOfRow[i] = j - 1;
        total += w;
      }
    }
  }
  return { total, columnOfRow };
}
