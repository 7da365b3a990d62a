import "server-only";
import { type Hex, isHex } from "viem";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { ProviderRow } from "@/db/queries/providers";
import { authenticateAgentKey } from "@/lib/auth/agent-keys";
import { errorResponse } from "@/lib/auth/handlers";
import type { RateLimit } from "@/lib/auth/rate-limit";
import { readCookie, SESSION_COOKIE } from "@/lib/auth/session-token";
import { sessionFromCookie } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors";
import { readBodyBytes, readJsonBody } from "@/lib/http/body";
import { type ClientIpOptions, clientOf } from "@/lib/http/client";
import { heartbeat, heartbeatInput } from "./heartbeat";
import { jobOutput, jobResult } from "./job-output";
import { agentLimits } from "./limits";
import {
  logsFromAgent,
  quoteFromAgent,
  resultFromAgent,
  startFromAgent,
  submittedFromAgent,
} from "./reports";
import { streamWork, waitForWork } from "./work";

/** What the agent routes depend on, passed in so tests run them on a test database. */
export type AgentDeps = {
  db: Db;
  clientIp: ClientIpOptions;
  /** Cookie signing secret: the consumer's reads (logs, result) go by session. */
  secret: string;
  rateLimit?: RateLimit;
  now?: () => Date;
};

const noStore = { "cache-control": "no-store" };
const json = (body: unknown, status = 200) =>
  new Response(
    JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    { status, headers: { ...noStore, "content-type": "application/json" } },
  );

/** The provider behind the request's `Authorization: Bearer gmk_...` key. */
async function agentProvider(request: Request, deps: AgentDeps): Promise<ProviderRow> {
  const header = request.headers.get("authorization") ?? "";
  const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? "";
  const { provider } = await authenticateAgentKey(deps.db, key, clientOf(request, deps.clientIp), {
    limit: deps.rateLimit,
    now: deps.now?.(),
  });
  return provider;
}

const uuid = z.uuid();
function idParam(value: string, what: string): string {
  if (!uuid.safeParse(value).success) {
    throw new AppError("bad_request", `The ${what} id in the path is not a UUID.`);
  }
  return value;
}

function txHash(value: unknown, field: string): Hex {
  if (typeof value !== "string" || !isHex(value) || value.length !== 66) {
    throw new AppError("bad_request", `Send ${field} as a 0x-prefixed 32-byte transaction hash.`);
  }
  return value.toLowerCase() as Hex;
}

async function jsonObject(request: Request, invalid: string): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, { maxBytes: agentLimits.jsonBodyBytes, invalid });
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("bad_request", invalid);
  }
  return body as Record<string, unknown>;
}

function handle(work: () => Promise<Response>): Promise<Response> {
  return work().catch(errorResponse);
}

/** POST /api/agent/heartbeat: hardware, benchmark, version; answers the provider's state. */
export const handleHeartbeat = (request: Request, deps: AgentDeps) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const invalid = "Send the heartbeat as JSON: agentVersion, hardware, benchmark.";
    const parsed = heartbeatInput.safeParse(await jsonObject(request, invalid));
    if (!parsed.success) {
      throw new AppError(
        "bad_request",
        `${invalid} ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    return json(await heartbeat(deps.db, provider, parsed.data, deps.now?.()));
  });

/**
 * GET /api/agent/work?since=<fingerprint>&wait=<seconds>: the provider's leases to quote, fund,
 * start and run, answered at once when they differ from `since`, else held until they do (or
 * `wait`, at most 25 s).
 *
 * With `stream=1`, the answer is NDJSON: one line (the same object) each time the leases differ
 * from the last line, until `wait` ends it (the agent then asks again, so its key is checked
 * again and a revoked key is cut off within `wait`). A placement then reaches an agent over a
 * connection already open and authenticated: no new request (with its key check) between one
 * change and the next, which is where a long-poll left quotes waiting.
 */
export const handleWork = (request: Request, deps: AgentDeps) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const url = new URL(request.url);
    const since = url.searchParams.get("since");
    const wait = Number(url.searchParams.get("wait") ?? "0");
    if (!Number.isFinite(wait) || wait < 0) {
      throw new AppError("bad_request", "wait is a number of seconds, 0 to 25.");
    }
    const head = { provider: { id: provider.id, status: provider.status } };
    if (url.searchParams.get("stream") === "1") {
      const lines = streamWork(deps.db, provider, since, wait * 1000, request.signal);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await lines.next().catch((error: unknown) => {
            controller.error(error);
            return undefined;
          });
          if (!next) return;
          if (next.done) controller.close();
          else
            controller.enqueue(encoder.encode(`${JSON.stringify({ ...head, ...next.value })}\n`));
        },
        cancel() {
          void lines.return(undefined);
        },
      });
      return new Response(body, {
        headers: {
          // no-transform: a compressing proxy (or Next's own compression) would hold lines back.
          "cache-control": "no-store, no-transform",
          "content-type": "application/x-ndjson",
          "x-accel-buffering": "no",
        },
      });
    }
    const work = await waitForWork(deps.db, provider, since, wait * 1000, request.signal);
    return json({ ...head, ...work });
  });

/** POST /api/agent/leases/:leaseId/quote {signature}: the EIP-712 quote signed by the agent. */
export const handleQuote = (request: Request, deps: AgentDeps, leaseId: string) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const id = idParam(leaseId, "lease");
    const body = await jsonObject(request, 'Send {"signature": "0x..."} as JSON.');
    const signature = body.signature;
    if (typeof signature !== "string" || !isHex(signature) || signature.length !== 132) {
      throw new AppError("bad_request", "Send the quote's 65-byte signature as 0x-prefixed hex.");
    }
    const quote = await quoteFromAgent(deps.db, provider, id, signature as Hex);
    return json({ leaseId: id, status: "quoted", signature: quote.signature });
  });

/** POST /api/agent/jobs/:jobId/start {txHash}: the acknowledgeStart transaction. */
export const handleStart = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const id = idParam(jobId, "job");
    const body = await jsonObject(request, 'Send {"txHash": "0x..."} as JSON.');
    return json(
      await startFromAgent(deps.db, provider, id, txHash(body.txHash, "txHash"), deps.now?.()),
    );
  });

/** POST /api/agent/jobs/:jobId/logs (text/plain): one chunk of the job's output. */
export const handleLogs = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const id = idParam(jobId, "job");
    const bytes = await readBodyBytes(request, agentLimits.logChunkBytes);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new AppError("bad_request", "Send log chunks as UTF-8 text.");
    }
    if (text.length === 0) throw new AppError("bad_request", "The log chunk is empty.");
    // Postgres text cannot hold NUL; a process may print one.
    return json(await logsFromAgent(deps.db, provider, id, text.replaceAll("\u0000", "\ufffd")));
  });

const nonNegativeInt = (value: string | null, name: string, max: number) => {
  const n = Number(value);
  if (value === null || !Number.isInteger(n) || n < -max || n > max) {
    throw new AppError("bad_request", `Send the ${name} header as an integer.`);
  }
  return n;
};

/**
 * PUT /api/agent/jobs/:jobId/result (application/octet-stream), with X-Used-Seconds and
 * X-Exit-Code: the job's result, at most 8 MiB, stored once.
 */
export const handleResult = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const id = idParam(jobId, "job");
    const usedSeconds = nonNegativeInt(
      request.headers.get("x-used-seconds"),
      "X-Used-Seconds",
      2 ** 40,
    );
    if (usedSeconds < 0) throw new AppError("bad_request", "X-Used-Seconds cannot be negative.");
    const exitCode = nonNegativeInt(request.headers.get("x-exit-code"), "X-Exit-Code", 2 ** 31 - 1);
    const bytes = await readBodyBytes(request, agentLimits.resultBytes);
    return json(
      await resultFromAgent(deps.db, provider, id, bytes, { usedSeconds, exitCode }, deps.now?.()),
    );
  });

/** POST /api/agent/jobs/:jobId/submitted {txHash}: the submitResult transaction. */
export const handleSubmitted = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const provider = await agentProvider(request, deps);
    const id = idParam(jobId, "job");
    const body = await jsonObject(request, 'Send {"txHash": "0x..."} as JSON.');
    return json(await submittedFromAgent(deps.db, provider, id, txHash(body.txHash, "txHash")));
  });

async function consumerOf(request: Request, deps: AgentDeps): Promise<string> {
  const session = await sessionFromCookie(
    deps.db,
    readCookie(request.headers.get("cookie"), SESSION_COOKIE),
    deps.secret,
    deps.now?.() ?? new Date(),
  );
  if (!session) throw new AppError("unauthorized", "Sign in to see your job's output.");
  return session.address.toLowerCase();
}

/** GET /api/agent/output/:jobId?after=<seq>: the consumer's job logs and result metadata. */
export const handleOutput = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const consumer = await consumerOf(request, deps);
    const after = Number(new URL(request.url).searchParams.get("after") ?? "-1");
    const output = await jobOutput(
      deps.db,
      consumer,
      idParam(jobId, "job"),
      Number.isInteger(after) ? after : -1,
    );
    return json(output);
  });

/** GET /api/agent/output/:jobId/result: the result's bytes, for the job's consumer only. */
export const handleResultDownload = (request: Request, deps: AgentDeps, jobId: string) =>
  handle(async () => {
    const consumer = await consumerOf(request, deps);
    const id = idParam(jobId, "job");
    const result = await jobResult(deps.db, consumer, id);
    if (!result) throw new AppError("not_found", "This job has no result yet.");
    return new Response(result.bytes as BodyInit, {
      headers: {
        ...noStore,
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="job-${id}-result.bin"`,
        "x-result-hash": result.hash,
      },
    });
  });
