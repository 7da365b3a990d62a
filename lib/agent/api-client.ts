import type { Hex } from "viem";
import type { Benchmark } from "./benchmark";
import type { Hardware } from "./hardware";

/** The server's answers, as the agent reads them (lib/services/agent/work.ts is the source). */
export type WorkItem = {
  leaseId: string;
  jobId: string;
  chainJobId: Hex;
  status: "reserved" | "quoted" | "funded" | "running";
  gpuCount: number;
  maxSeconds: number;
  ratePerSecond: string;
  consumer: string;
  quoteExpiresAt: string;
  quote: {
    domain: { name: string; version: string; chainId: number; verifyingContract: Hex };
    message: {
      jobId: Hex;
      consumer: Hex;
      provider: Hex;
      ratePerSecond: string;
      maxSeconds: string;
      expiresAt: string;
    };
  } | null;
  job: { kind: string; image: string; command: string; env: Record<string, string> } | null;
  reported: { started: boolean; result: boolean; submitted: boolean };
};
export type Work = {
  fingerprint: string;
  items: WorkItem[];
  provider: { id: string; status: string };
};

export type HeartbeatAnswer = {
  providerId: string;
  address: string;
  signerAddress: string;
  status: "online" | "offline";
  heartbeatSeconds: number;
  chain: { chainId: number; name: string; rpcUrl: string | null; marketAddress: Hex | null };
};

/** A refusal from the server: its status, code and sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function answerOf(response: Response): Promise<unknown> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { code: "bad_response", message: text.slice(0, 200) };
  }
  if (!response.ok) {
    const error = parsed as { code?: string; message?: string };
    throw new ApiError(
      response.status,
      error.code ?? "error",
      error.message ?? response.statusText,
    );
  }
  return parsed;
}

/** The agent API over HTTP with the provider's key. */
export class AgentApi {
  constructor(
    private readonly server: string,
    private readonly apiKey: string,
  ) {}

  private async call<T>(
    path: string,
    init: {
      method?: string;
      json?: unknown;
      body?: Uint8Array | string;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.apiKey}`,
      ...init.headers,
    };
    let body: BodyInit | undefined = init.body as BodyInit | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    const response = await fetch(new URL(path, this.server), {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: init.signal,
    });
    return (await answerOf(response)) as T;
  }

  heartbeat(hardware: Hardware, benchmark: Benchmark | null, agentVersion: string) {
    return this.call<HeartbeatAnswer>("/api/agent/heartbeat", {
      json: {
        agentVersion,
        hardware,
        benchmark: benchmark ? { tflops: benchmark.tflops, device: benchmark.device } : null,
      },
    });
  }

  /**
   * The provider's work as a stream (`stream=1`): one answer each time it changes, over one
   * connection, until the server ends it after `waitSeconds`.
   */
  async *workStream(
    since: string | null,
    waitSeconds: number,
    signal?: AbortSignal,
  ): AsyncGenerator<Work> {
    const query = new URLSearchParams({ wait: String(waitSeconds), stream: "1" });
    if (since) query.set("since", since);
    const response = await fetch(new URL(`/api/agent/work?${query}`, this.server), {
      headers: { authorization: `Bearer ${this.apiKey}` },
      signal,
    });
    if (!response.ok || !response.body) {
      await answerOf(response);
      throw new ApiError(response.status, "bad_response", "The work stream has no body.");
    }
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end).trim();
        buffered = buffered.slice(end + 1);
        if (line) yield JSON.parse(line) as Work;
      }
    }
  }

  quote(leaseId: string, signature: Hex) {
    return this.call(`/api/agent/leases/${leaseId}/quote`, { json: { signature } });
  }

  started(jobId: string, txHash: Hex) {
    return this.call(`/api/agent/jobs/${jobId}/start`, { json: { txHash } });
  }

  logs(jobId: string, text: string) {
    return this.call(`/api/agent/jobs/${jobId}/logs`, {
      body: text,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }

  result(jobId: string, bytes: Uint8Array, usedSeconds: number, exitCode: number) {
    return this.call<{ resultHash: Hex; size: number }>(`/api/agent/jobs/${jobId}/result`, {
      method: "PUT",
      body: bytes,
      headers: {
        "content-type": "application/octet-stream",
        "x-used-seconds": String(usedSeconds),
        "x-exit-code": String(exitCode),
      },
    });
  }

  submitted(jobId: string, txHash: Hex) {
    return this.call(`/api/agent/jobs/${jobId}/submitted`, { json: { txHash } });
  }
}
