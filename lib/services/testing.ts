import { sql } from "drizzle-orm";
import { type Address, getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Db, queryRows } from "@/db/client";
import { recordStakeForSeed } from "@/db/queries/chain/seed-stake";
import type { Session } from "@/lib/auth/session";
import { createOfferInput, registerProviderInput, submitJobInput } from "@/lib/market/schemas";
import { listOffer } from "./offers/offers";
import { registerProvider } from "./providers/providers";
import { registerLocalSigner } from "./quotes/signers";

/** Fixtures for the market's database tests: real services, real schemas, nothing stubbed. */
export function sessionOf(address: string): Session {
  return { address: getAddress(address), expiresAt: new Date(Date.now() + 3600_000) };
}

export function wallet(n: number): Address {
  return `0x${n.toString(16).padStart(40, "0")}` as Address;
}

/** Deterministic test keys: the n-th key is n in the last bytes. */
export function testKey(n: number): Hex {
  return `0x${(0xabc000 + n).toString(16).padStart(64, "0")}` as Hex;
}

/** What a seeded provider stakes unless a test says otherwise: 100 ETH, far above any test job's collateral. */
export const SEED_STAKE_WEI = 100n * 10n ** 18n;

/**
 * A registered provider with a local quote signer and its stake recorded as the indexer would
 * after it staked on chain (`stakeWei`, nothing locked): without that it is never matched.
 */
export async function seedProvider(
  db: Db,
  n: number,
  region = "us-east",
  { stakeWei = SEED_STAKE_WEI }: { stakeWei?: bigint } = {},
) {
  const key = testKey(n);
  const signer = registerLocalSigner(key);
  const address = wallet(0x1000 + n);
  const provider = await registerProvider(
    db,
    address,
    registerProviderInput.parse({ name: `provider ${n}`, region, signerAddress: signer.address }),
  );
  await recordStakeForSeed(db, [{ address, stake: stakeWei, signer: signer.address }]);
  return { provider, address, signer, signerAccount: privateKeyToAccount(key) };
}

/** Lists an offer without re-matching its market (tests decide when capacity is offered). */
export async function seedOffer(
  db: Db,
  providerAddress: string,
  fields: Record<string, unknown> = {},
) {
  return listOffer(
    db,
    providerAddress,
    createOfferInput.parse({
      gpuModel: "h100-80gb",
      gpusTotal: 8,
      askWeiPerGpuHour: "1000000000000000",
      region: "us-east",
      ...fields,
    }),
  );
}

let keys = 0;
export function jobInput(fields: Record<string, unknown> = {}) {
  keys += 1;
  return {
    kind: "fine-tune",
    image: "ghcr.io/acme/trainer:1.0",
    command: "python train.py",
    env: [
      { name: "EPOCHS", value: "3" },
      { name: "HF_TOKEN", value: "hf_secret_value", secret: true },
    ],
    gpuModels: ["h100-80gb"],
    gpuCount: 2,
    regions: [],
    maxPricePerGpuHour: "2000000000000000",
    maxHours: 10,
    idempotencyKey: `key-${keys}-${Math.random().toString(36).slice(2)}`,
    ...fields,
  };
}

export const parseJob = (fields: Record<string, unknown> = {}) =>
  submitJobInput.parse(jobInput(fields));

/** Each offer of a GPU model with its GPUs total, free, and held by live leases. */
export function offerBooks(db: Db, gpuModel: string) {
  return queryRows<{ id: string; total: number; free: number; leased: number }>(
    db,
    sql`select o.id, o.gpus_total as total, o.gpus_free as free,
          coalesce((select sum(l.gpu_count)::int from leases l where l.offer_id = o.id
                      and l.status in ('reserved', 'quoted', 'funded', 'running')), 0) as leased
        from offers o where o.gpu_model = ${gpuModel}`,
  );
}
