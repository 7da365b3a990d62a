/**
 * Utilization's denominator keeps each day's listing as it was: an offer that grew, was paused
 * and removed counts at its size of the moment, read from the offers' events, and an offer
 * written without events counts at its size from its creation. The offers' histories are written
 * here as the offer services record them (an offers row and its `offer.*` events), dated days
 * back, since the services date their events with the database's clock.
 */
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { insertOffer } from "@/db/queries/offers";
import { listedGpuSecondsPerDay } from "@/db/queries/provider-listing";
import { marketEvents } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import { registerProviderInput } from "@/lib/market/schemas";
import { earningsPage } from "./dashboard";
import { registerProvider } from "./providers";

let handle: DbHandle;
const address = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
let providerId = "";

const at = (iso: string) => new Date(`${iso}Z`);
const H = 3_600;

async function offerWithHistory(
  gpus: number,
  createdAt: string,
  status: "active" | "paused" | "removed",
  events: { type: string; at: string; data?: Record<string, unknown> }[],
) {
  const offer = await insertOffer(handle.db, {
    market: "h100-80gb/us-east",
    providerId,
    gpuModel: "h100-80gb",
    region: "us-east",
    gpusTotal: gpus,
    gpusFree: gpus,
    askWeiPerGpuHour: 10n ** 15n,
    minHours: 1,
    maxHours: 720,
    status,
    createdAt: at(createdAt),
    updatedAt: at(events.at(-1)?.at ?? createdAt),
  });
  if (events.length > 0) {
    await handle.db.insert(marketEvents).values(
      events.map((e) => ({
        aggregate: "offer" as const,
        aggregateId: offer.id,
        type: e.type,
        actor: address,
        data: e.data ?? {},
        at: at(e.at),
      })),
    );
  }
  return offer;
}

beforeAll(async () => {
  handle = await createTestDb();
  const provider = await registerProvider(
    handle.db,
    address,
    registerProviderInput.parse({ name: "growing", region: "us-east", signerAddress: address }),
  );
  providerId = provider.id;
  // Listed with 4 GPUs on 8 March at noon; grown to 8 on the 9th at 06:00; paused at noon (still
  // listed); removed on the 10th at 02:00.
  await offerWithHistory(8, "2026-03-08T12:00:00", "removed", [
    { type: "offer.created", at: "2026-03-08T12:00:00", data: { gpus: 4 } },
    { type: "offer.updated", at: "2026-03-09T06:00:00", data: { gpusTotal: 8 } },
    { type: "offer.paused", at: "2026-03-09T12:00:00" },
    { type: "offer.removed", at: "2026-03-10T02:00:00" },
  ]);
  // 2 GPUs written on the 9th at 18:00 without events: counted from its creation.
  await offerWithHistory(2, "2026-03-09T18:00:00", "active", []);
});

afterAll(async () => {
  await handle?.close();
});

describe(`GPUs listed per day on ${testDriver()}`, () => {
  const window = { firstDay: "2026-03-07", lastDay: "2026-03-10", now: at("2026-03-10T06:00:00") };
  const expected = [
    { day: "2026-03-07", listedGpuSeconds: 0 },
    // 4 GPUs from noon.
    { day: "2026-03-08", listedGpuSeconds: 4 * 12 * H },
    // 4 GPUs until 06:00, 8 after (paused still listed); the event-less offer's 2 from 18:00.
    { day: "2026-03-09", listedGpuSeconds: 4 * 6 * H + 8 * 18 * H + 2 * 6 * H },
    // 8 GPUs until the removal at 02:00; the 2 until now, 06:00.
    { day: "2026-03-10", listedGpuSeconds: 8 * 2 * H + 2 * 6 * H },
  ];

  it("counts each offer at its size of the moment, from its events", async () => {
    expect(await listedGpuSecondsPerDay(handle.db, providerId, window)).toEqual(expected);
  });

  it("divides each day's GPU time by that day's listing, not today's", async () => {
    const page = await earningsPage(handle.db, address, {
      from: at("2026-03-07T00:00:00"),
      to: window.now,
      now: window.now,
    });
    // Listed now: the event-less offer's 2 GPUs (the grown offer is removed).
    expect(page.listedGpus).toBe(2);
    expect(
      page.utilization.map((d) => [
        d.day.toISOString().slice(0, 10),
        d.listedGpuSeconds,
        d.utilization,
      ]),
    ).toEqual(expected.map((e) => [e.day, e.listedGpuSeconds, e.listedGpuSeconds > 0 ? 0 : null]));
  });
});
