import "server-only";
import { getAddress, type Hex } from "viem";
import type { Db } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { transitionJob } from "@/db/queries/jobs";
import { type LeaseRow, leaseById, transitionLease } from "@/db/queries/leases";
import { type ProviderRow, providerById } from "@/db/queries/providers";
import { transaction } from "@/db/retry";
import { chainConfig } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { quoteDomain } from "@/lib/web3/eip712";
import { type QuoteDomain, type QuoteMessage, quoteSignedBy, type SignerResolver } from "./signers";

export type Quote = {
  domain: QuoteDomain;
  message: QuoteMessage;
  signature: Hex;
};

/** The EIP-712 domain of the configured chain's ComputeMarket. */
export function marketDomain(): QuoteDomain {
  const config = chainConfig();
  if (!config.marketAddress) {
    throw new AppError("unavailable", `No ComputeMarket address is configured for ${config.key}.`);
  }
  return quoteDomain(config.chain.id, config.marketAddress);
}

export function quoteMessageOf(lease: LeaseRow, providerAddress: string): QuoteMessage {
  return {
    jobId: lease.chainJobId as Hex,
    consumer: getAddress(lease.consumer),
    provider: getAddress(providerAddress),
    ratePerSecond: lease.ratePerSecond,
    maxSeconds: BigInt(lease.maxSeconds),
    expiresAt: BigInt(Math.floor(lease.quoteExpiresAt.getTime() / 1000)),
  };
}

/**
 * The quote of a lease that has been signed, as the consumer's wallet needs it for fundJob
 * (`fundJobCall` in lib/web3/fund-job.ts turns it into the call and its value).
 */
export async function quoteOfLease(db: Db, lease: LeaseRow): Promise<Quote | undefined> {
  if (!lease.quoteSignature) return undefined;
  const provider = await providerById(db, lease.providerId);
  if (!provider) return undefined;
  return {
    domain: marketDomain(),
    message: quoteMessageOf(lease, provider.address),
    signature: lease.quoteSignature as Hex,
  };
}

/**
 * Asks the provider's signer for the EIP-712 quote of a reserved lease, checks that the
 * signature recovers to the provider's registered signer, and moves lease reserved -> quoted and
 * job matched -> quoted in one transaction. Undefined when no signer is reachable yet (the
 * provider's agent will sign later) or the job moved on meanwhile (cancelled, expired).
 */
export async function quoteLease(
  db: Db,
  leaseId: string,
  resolveSigner: SignerResolver,
): Promise<Quote | undefined> {
  const lease = await leaseById(db, leaseId);
  if (lease?.status !== "reserved") return undefined;
  const provider = await providerById(db, lease.providerId);
  if (!provider) return undefined;
  const signer = resolveSigner(getAddress(provider.signerAddress));
  if (!signer) return undefined;
  const domain = marketDomain();
  const message = quoteMessageOf(lease, provider.address);
  const signature = await signer.signQuote(domain, message);
  return storeQuote(db, lease, signature, provider);
}

/**
 * Stores a quote signature for a reserved lease, wherever it was signed (the provider's agent
 * over its API, or a local signer): checks that it recovers to the provider's registered
 * signer, then moves lease reserved -> quoted and job matched -> quoted in one transaction.
 * Undefined when the job or lease moved on meanwhile (cancelled, expired, quoted already).
 * `provider` is the lease's provider as the caller already read it (the agent's API key names
 * it): a quote is on the agent's latency path, so it is not read again.
 */
export async function storeQuote(
  db: Db,
  lease: LeaseRow,
  signature: Hex,
  provider: Pick<ProviderRow, "id" | "address" | "signerAddress">,
): Promise<Quote | undefined> {
  if (provider.id !== lease.providerId) {
    throw new Error("storeQuote: the provider given is not the lease's");
  }
  const domain = marketDomain();
  const message = quoteMessageOf(lease, provider.address);
  const signer = provider.signerAddress.toLowerCase();
  let signed: boolean;
  try {
    signed = await quoteSignedBy(domain, message, signature, signer);
  } catch {
    throw new AppError("bad_request", "The quote signature is not a valid 65-byte signature.");
  }
  if (!signed) {
    throw new AppError(
      "forbidden",
      "The quote was not signed by the provider's registered signer.",
    );
  }
  const quoted = await transaction(db, async (tx) => {
    const moved = await transitionJob(tx, lease.jobId, ["matched"], "quoted");
    if (!moved) return false;
    const done = await transitionLease(tx, lease, ["reserved"], "quoted", {
      quoteSigner: signer,
      quoteSignature: signature,
    });
    if (!done) throw new AppError("conflict", "The reservation changed while it was being quoted.");
    await appendEvents(tx, [
      {
        aggregate: "job",
        aggregateId: lease.jobId,
        type: "job.quoted",
        fromStatus: "matched",
        toStatus: "quoted",
      },
      {
        aggregate: "lease",
        aggregateId: lease.id,
        type: "lease.quoted",
        fromStatus: "reserved",
        toStatus: "quoted",
        data: { signer },
      },
    ]);
    return true;
  });
  return quoted ? { domain, message, signature } : undefined;
}
