/** Asks an RPC endpoint for its chain id; null when it does not answer within `timeoutMs`. */
export async function probeChainId(rpcUrl: string, timeoutMs = 1500): Promise<number | null> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
      cache: "no-store",
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { result?: unknown };
    return typeof body.result === "string" ? Number.parseInt(body.result, 16) : null;
  } catch {
    return null;
  }
}
