import { formatEth } from "@/lib/market/eth";

/**
 * Wei as ETH with at most four significant digits after the point's leading zeros (0.0021,
 * 2.5, 0.00000123): dense enough for a table; the exact figure goes in the title on hover.
 * Rounded up, like every price the market shows, so a shown price is never below the real one.
 */
export function ethShort(wei: bigint): string {
  if (wei === 0n) return "0";
  const exact = formatEth(wei);
  const [whole = "0", frac = ""] = exact.split(".");
  if (whole !== "0") return formatEth(wei, 4);
  const zeros = frac.length - frac.replace(/^0+/, "").length;
  return formatEth(wei, Math.min(18, zeros + 4));
}

/** The exact amount, for a title attribute. */
export function ethExact(wei: bigint): string {
  return `${formatEth(wei)} ETH`;
}

/** Basis points as a percentage with one decimal: 9920 -> "99.2%". */
export function percent(bps: number): string {
  return `${(bps / 100).toFixed(1)}%`;
}

/** "0x1234…abcd". */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}
