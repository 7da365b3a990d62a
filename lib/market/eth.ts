const WEI_PER_ETH = 10n ** 18n;

/**
 * Wei as a decimal ETH string with bigint math only: trailing zeros trimmed, at most `maxDecimals`
 * digits, rounded up so that a "raise max price to X" suggestion is always enough.
 */
export function formatEth(wei: bigint, maxDecimals = 18): string {
  const negative = wei < 0n;
  let abs = negative ? -wei : wei;
  const drop = 10n ** BigInt(18 - maxDecimals);
  if (abs % drop !== 0n) abs += drop - (abs % drop);
  const whole = abs / WEI_PER_ETH;
  const frac = (abs % WEI_PER_ETH).toString().padStart(18, "0").slice(0, maxDecimals);
  const trimmed = frac.replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${trimmed ? `.${trimmed}` : ""}`;
}

/** A price per GPU-hour, e.g. "0.0021 ETH/GPU-h". */
export function formatPricePerGpuHour(wei: bigint): string {
  return `${formatEth(wei, 6)} ETH/GPU-h`;
}

/** Parses a decimal ETH string to wei exactly; undefined when it is not a plain decimal. */
export function parseEth(value: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value.trim());
  if (!m) return undefined;
  const whole = BigInt(m[1] ?? "0");
  const frac = BigInt((m[2] ?? "").padEnd(18, "0") || "0");
  return whole * WEI_PER_ETH + frac;
}
