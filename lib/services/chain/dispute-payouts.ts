/**
 * What `resolveDispute(jobId, providerPayBps, slashBps)` pays out, computed exactly as the
 * contract's `settle` does (stylus-contract/src/steps.rs, `share` in state.rs), so the arbiter
 * sees the result before the wallet opens. Pure: the page's form uses it as the shares change.
 */

export const BPS = 10_000;

/** `amount * bps / 10000` rounded down, without overflow, as the contract's `share`. */
export function share(amount: bigint, bps: number): bigint {
  const d = BigInt(BPS);
  const b = BigInt(bps);
  return (amount / d) * b + ((amount % d) * b) / d;
}

export type DisputeTerms = {
  ratePerSecond: bigint;
  usedSeconds: bigint;
  escrow: bigint;
  collateral: bigint;
  feeBps: number;
};

export type DisputePayouts = {
  /** What the used seconds cost at the job's rate. */
  billed: bigint;
  /** The provider's share of it, before the fee. */
  gross: bigint;
  fee: bigint;
  /** Credited to the provider. */
  provider: bigint;
  /** Escrow back to the consumer (escrow - gross). */
  refund: bigint;
  /** Taken from the provider's stake and credited to the consumer. */
  slashed: bigint;
  /** Credited to the consumer in all: refund + slashed. */
  consumer: bigint;
};

/** Basis points from 0 to 10000, whole: the contract refuses anything else (InvalidBps). */
export function validBps(bps: number): boolean {
  return Number.isInteger(bps) && bps >= 0 && bps <= BPS;
}

export function disputePayouts(
  terms: DisputeTerms,
  providerPayBps: number,
  slashBps: number,
): DisputePayouts {
  if (!validBps(providerPayBps) || !validBps(slashBps)) {
    throw new RangeError("shares are whole basis points from 0 to 10000");
  }
  const billed = terms.ratePerSecond * terms.usedSeconds;
  const gross = share(billed, providerPayBps);
  const fee = share(gross, terms.feeBps);
  const slashed = share(terms.collateral, slashBps);
  const refund = terms.escrow - gross;
  return { billed, gross, fee, provider: gross - fee, refund, slashed, consumer: refund + slashed };
}
