import {
  type Account,
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  type Hex,
  http,
} from "viem";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";

/** The two calls the agent makes on chain, paid from its signer key. */
export class MarketCalls {
  private readonly wallet;
  private readonly reader;

  constructor(
    private readonly account: Account,
    private readonly market: Hex,
    chainId: number,
    rpcUrl: string,
  ) {
    const chain = defineChain({
      id: chainId,
      name: `chain ${chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    this.wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
    // Receipts are looked for every half second, not viem's default 4 s.
    this.reader = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 500 });
  }

  async balance(): Promise<string> {
    return formatEther(await this.reader.getBalance({ address: this.account.address }));
  }

  private async send(functionName: "acknowledgeStart" | "submitResult", args: readonly unknown[]) {
    const { request } = await this.reader.simulateContract({
      account: this.account,
      address: this.market,
      abi: computeMarketAbi,
      functionName,
      args: args as never,
    });
    const hash = await this.wallet.writeContract(request as never);
    const receipt = await this.reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    return hash;
  }

  acknowledgeStart(jobId: Hex) {
    return this.send("acknowledgeStart", [jobId]);
  }

  submitResult(jobId: Hex, usedSeconds: number, resultHash: Hex) {
    return this.send("submitResult", [jobId, BigInt(usedSeconds), resultHash]);
  }
}
