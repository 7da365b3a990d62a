import { formatEth, formatEthExact } from "@/lib/web3/amounts";

/** Wei shown in ETH with four significant decimals; the exact amount on hover. */
export function Amount({
  wei,
  unit = "ETH",
  className,
}: {
  wei: bigint;
  unit?: string;
  className?: string;
}) {
  return (
    <span className={`tabular-nums ${className ?? ""}`} title={`${formatEthExact(wei)} ${unit}`}>
      {formatEth(wei)} <span className="text-zinc-400">{unit}</span>
    </span>
  );
}
