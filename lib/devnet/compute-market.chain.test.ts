import {
  BaseError,
  ContractFunctionRevertedError,
  type Hex,
  keccak256,
  type Log,
  parseEther,
  parseEventLogs,
  parseGwei,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteTypedData } from "@/lib/web3/eip712";
import { DEFAULT_ARTIFACT_PATH, type Devnet, startDevnet } from "./index";
import { clientsFor, marketAbi } from "./test-helpers";

const artifact = process.env.DEVNET_ARTIFACT ?? DEFAULT_ARTIFACT_PATH;

const abi = marketAbi;

/** Arguments of the first `name` event in `logs`, decoded with the market ABI. */
const eventArgs = (logs: Log[], name: string) =>
  parseEventLogs({ abi, logs, eventName: name })[0]?.args as Record<string, unknown> | undefined;

describe("ComputeMarket WASM on the devnet", () => {
  let devnet: Devnet;
  let provider: ReturnType<typeof clientsFor>;
  let consumer: ReturnType<typeof clientsFor>;
  const jobId = keccak256(toHex("devnet-job-1"));
  const rate = parseGwei("1");
  const maxSeconds = 3_600n;

  beforeAll(async () => {
    devnet = await startDevnet({ port: 0, artifactPath: artifact });
    provider = clientsFor(devnet, 5);
    consumer = clientsFor(devnet, 6);
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  const mined = async (c: ReturnType<typeof clientsFor>, sent: Promise<Hex>) => {
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await sent });
    expect(receipt.status).toBe("success");
    return receipt;
  };

  const signQuote = (signerKey: Hex, expiresAt: bigint) =>
    privateKeyToAccount(signerKey).signTypedData(
      quoteTypedData(devnet.chainId, devnet.contractAddress, {
        jobId,
        consumer: consumer.account.address,
        provider: provider.account.address,
        ratePerSecond: rate,
        maxSeconds,
        expiresAt,
      }),
    );

  it("runs a job from stake to withdrawal, with events viem decodes", async () => {
    const address = devnet.contractAddress;
    const staked = await mined(
      provider,
      provider.walletClient.writeContract({
        address,
        abi,
        functionName: "stake",
        value: parseEther("1"),
        account: provider.account,
        chain: provider.chain,
      }),
    );
    const stakedEvent = eventArgs(staked.logs, "Staked");
    expect(stakedEvent).toMatchObject({
      provider: provider.account.address,
      amount: parseEther("1"),
    });
    await mined(
      provider,
      provider.walletClient.writeContract({
        address,
        abi,
        functionName: "setSigner",
        args: [provider.account.address],
        account: provider.account,
        chain: provider.chain,
      }),
    );

    const now = (await consumer.publicClient.getBlock()).timestamp;
    const providerKey = devnet.accounts[5]?.privateKey as Hex;
    // A quote signed by someone else is refused with the contract's custom error.
    const forged = await signQuote(devnet.accounts[7]?.privateKey as Hex, now + 600n);
    const err = await consumer.publicClient
      .simulateContract({
        address,
        abi,
        functionName: "fundJob",
        args: [jobId, provider.account.address, rate, maxSeconds, now + 600n, forged],
        value: rate * maxSeconds,
        account: consumer.account,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaseError);
    const revert = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect((revert as ContractFunctionRevertedError | null)?.data?.errorName).toBe(
      "InvalidSignature",
    );

    const signature = await signQuote(providerKey, now + 600n);
    const funded = await mined(
      consumer,
      consumer.walletClient.writeContract({
        address,
        abi,
        functionName: "fundJob",
        args: [jobId, provider.account.address, rate, maxSeconds, now + 600n, signature],
        value: rate * maxSeconds,
        account: consumer.account,
        chain: consumer.chain,
      }),
    );
    const fundedEvent = eventArgs(funded.logs, "JobFunded");
    expect(fundedEvent?.escrow).toBe(rate * maxSeconds);

    await mined(
      provider,
      provider.walletClient.writeContract({
        address,
        abi,
        functionName: "submitResult",
        args: [jobId, 1_800n, keccak256(toHex("result"))],
        account: provider.account,
        chain: provider.chain,
      }),
    );
    await expect(
      consumer.publicClient.simulateContract({
        address,
        abi,
        functionName: "finalize",
        args: [jobId],
        account: consumer.account,
      }),
    ).rejects.toThrow(/ChallengeWindowOpen/);

    await consumer.testClient.increaseTime({ seconds: 3_601 });
    await consumer.testClient.mine({ blocks: 1 });
    const finalized = await mined(
      consumer,
      consumer.walletClient.writeContract({
        address,
        abi,
        functionName: "finalize",
        args: [jobId],
        account: consumer.account,
        chain: consumer.chain,
      }),
    );
    const fin = eventArgs(finalized.logs, "JobFinalized");
    const earned = rate * 1_800n;
    expect(fin?.fee).toBe((earned * 250n) / 10_000n);
    expect(fin?.providerAmount).toBe(earned - (earned * 250n) / 10_000n);

    const owed = await provider.publicClient.readContract({
      address,
      abi,
      functionName: "withdrawable",
      args: [provider.account.address],
    });
    expect(owed).toBe(fin?.providerAmount);
    const before = await provider.publicClient.getBalance({ address: provider.account.address });
    const withdrawn = await mined(
      provider,
      provider.walletClient.writeContract({
        address,
        abi,
        functionName: "withdraw",
        account: provider.account,
        chain: provider.chain,
      }),
    );
    const after = await provider.publicClient.getBalance({ address: provider.account.address });
    const gasCost = withdrawn.gasUsed * withdrawn.effectiveGasPrice;
    expect(after - before + gasCost).toBe(owed);
    await expect(
      provider.publicClient.simulateContract({
        address,
        abi,
        functionName: "withdraw",
        account: provider.account,
      }),
    ).rejects.toThrow(/NothingToWithdraw/);
  });
});
