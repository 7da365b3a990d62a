/**
 * A counter of writes to offers (and to providers' status) made by this process outside the
 * submit batches. The batcher keeps a short-lived copy of the order book; any such write makes
 * that copy stale, and the next batch reads the book again. Bumped before the write commits, so
 * a copy read meanwhile may still miss it: the copy's age limit bounds that, and a job that
 * finds nothing on a copy is always checked against a fresh read.
 */
let generation = 0;

export function offersChanged(): void {
  generation++;
}

export function offersGeneration(): number {
  return generation;
}
