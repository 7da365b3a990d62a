/** A transaction hash, linked to the chain's explorer when it has one (the devnet has none). */
export function TxLink({ hash, explorer }: { hash: string; explorer?: string }) {
  const short = `${hash.slice(0, 10)}…${hash.slice(-4)}`;
  if (!explorer) {
    return (
      <span className="font-mono" title={hash} data-testid="tx-hash">
        {short}
      </span>
    );
  }
  return (
    <a
      href={`${explorer.replace(/\/$/, "")}/tx/${hash}`}
      className="font-mono text-emerald-300 hover:underline"
      title={hash}
      target="_blank"
      rel="noreferrer"
      data-testid="tx-hash"
    >
      {short}
    </a>
  );
}

/** The explorer's base URL for the configured chain, when it has one. */
export function explorerOf(chain: { blockExplorers?: { default: { url: string } } }) {
  return chain.blockExplorers?.default.url;
}
