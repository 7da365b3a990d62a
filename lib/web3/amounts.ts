/**
 * ETH amounts at the UI edge: a decimal the buyer types becomes wei (bigint) without a float in
 * between, and wei is shown with a few significant decimals (the full value on hover).
 */
import { formatEther } from "viem";

const WEI_DECIMALS = 18;
const DECIMAL = /^(\d*)(?:\.(\d*))?$/;

export type ParsedAmount = { ok: true; wei: bigint } | { ok: false; message: string };

/** A decimal ETH amount as typed ("0.5", ".25", "12") to wei; refuses what is not one. */
export function parseEthAmount(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, message: "Enter an amount." };
  const match = DECIMAL.exec(trimmed);
  if (!match || (match[1] === "" && (match[2] ?? "") === "")) {
    return { ok: false, message: "Enter a number like 0.25 (ETH)." };
  }
  const whole = match[1] || "0";
  const fraction = match[2] ?? "";
  if (fraction.length > WEI_DECIMALS) {
    return { ok: false, message: "ETH has at most 18 decimals." };
  }
  const wei = BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(WEI_DECIMALS, "0") || "0");
  return { ok: true, wei };
}

/** Every digit of a wei amount in ETH, trailing zeros trimmed ("0.0336", "1", "0.000000000000000001"). */
export function formatEthExact(wei: bigint): string {
  return formatEther(wei);
}

/**
 * Wei in ETH with `significant` significant decimals, rounded half up: 0.033612 -> "0.03361",
 * 0.0000123456 -> "0.00001235", 12.34567 -> "12.3457". Whole amounts keep every whole digit.
 */
export function formatEth(wei: bigint, significant = 4): string {
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const exact = formatEther(abs);
  const [whole, fraction = ""] = exact.split(".");
  let keep: number;
  if (whole !== "0") keep = significant;
  else {
    const leadingZeros = fraction.length - fraction.replace(/^0+/, "").length;
    keep = leadingZeros + significant;
  }
  if (fraction.length <= keep) return `${negative ? "-" : ""}${exact}`;
  // Round at `keep` decimals in wei, so the rounding is exact.
  const unit = 10n ** BigInt(WEI_DECIMALS - keep);
  const rounded = ((abs + unit / 2n) / unit) * unit;
  return `${negative ? "-" : ""}${formatEther(rounded)}`;
}

/** Wei per second to wei per GPU-hour (exact: the contract's rate is per second for all GPUs). */
export function ratePerGpuHour(ratePerSecond: bigint, gpuCount: number): bigint {
  return (ratePerSecond * 3600n) / BigInt(Math.max(1, gpuCount));
}

/** Seconds as `1 h 05 min`, `12 min`, `45 s`, `2 d 3 h`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, "0")} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${s} s`;
}
