import { randomUUID } from "node:crypto";
import pg from "pg";
import { openDb } from "@/db/client";
import { marketBook } from "@/db/queries/offers";
import { insertJobsAndReserve } from "@/db/queries/placement-batch";
import { offers, providers, users } from "@/db/schema";
import { makeOffers } from "@/lib/matching/workload";
import { reservationFor } from "@/lib/services/placement";

const url = "postgres://postgres@127.0.0.1:5499/";
const name = `h_${Date.now()}`;
const admin = new pg.Client({ connectionString: `${url}postgres` });
await admin.connect();
await admin.query(`create database ${name}`);
const { db, close } = await openDb({ driver: "postgres", url: `${url}${name}`, poolSize: 2 });
const addr = (p: number, i: number) => `0x${p.toString(16)}${i.toString(16).padStart(38, "0")}`;
const provs = Array.from({ length: 100 }, (_, i) => addr(0xa1, i));
await db.insert(users).values([...provs, ...Array.from({ length: 500 }, (_, i) => addr(0xc1, i))].map((address) => ({ address })));
const rows = await db.insert(providers).values(provs.map((address, i) => ({ address, name: `p${i}`, region: "us-east", signerAddress: address }))).returning({ id: providers.id });
const offerRows = makeOffers(5000, 7, { providers: 100, gpuSizes: [64] });
for (let i = 0; i < offerRows.length; i += 1000)
  await db.insert(offers).values(offerRows.slice(i, i + 1000).map((o) => ({ market: o.market, providerId: rows[Number(o.providerId.split("-")[1])]?.id ?? "", gpuModel: o.gpuModel, region: o.region, gpusTotal: 1000, gpusFree: 1000, askWeiPerGpuHour: o.askWeiPerGpuHour + 1n, minHours: 1, maxHours: 720 })));
await admin.query(`analyze`);
const book = await marketBook(db, [...new Set(offerRows.map((o) => o.market))], 12);
const live = book.offers;
let k = 0;
function items(n: number, placed: boolean) {
  return Array.from({ length: n }, () => {
    k++;
    const o = live[k % live.length]!;
    const job = { id: randomUUID(), consumer: addr(0xc1, k % 500), kind: "inference" as const, image: "img:1", command: "", env: [], gpuModels: [o.gpuModel], minVramGb: null, gpuCount: 1, regions: [o.region], maxPricePerGpuHour: o.askWeiPerGpuHour * 2n, maxHours: 4, idempotencyKey: `k${k}` };
    const cands = live.filter((x) => x.market === o.market).slice(0, 8);
    const r = reservationFor(job as never, o, cands, new Set(), job.consumer, new Date());
    if (process.env.ALTS === "0") r.reservation.alternatives = [];
    return placed ? { job: job as never, reservation: r.reservation } : { job: job as never, reservation: undefined, verify: [o.market] };
  });
}
const mode = process.argv[2] ?? "placed";
for (const n of (process.env.NS ?? "1,8,16,1,8,16").split(",").map(Number)) {
  const reps = Number(process.env.REPS ?? 300);
  await admin.query("select pg_stat_statements_reset()");
  const t = performance.now();
  let spent = 0;
  for (let r = 0; r < reps; r++) {
    const it = items(n, mode === "placed");
    const t0 = performance.now();
    await insertJobsAndReserve(db, it, new Map());
    spent += performance.now() - t0;
  }
  const ms = spent / reps;
  const st = (await admin.query("select mean_exec_time from pg_stat_statements where query like 'with jin%'")).rows[0];
  console.log(JSON.stringify({ n, wall_ms: +ms.toFixed(3), server_ms: +st.mean_exec_time.toFixed(3), server_per_job: +(st.mean_exec_time / n).toFixed(3) }));
}
await close();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
