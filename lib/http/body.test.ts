import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { BodyRefused, mediaType, readJsonBody } from "./body";

const url = "http://localhost/api";
const opts = { maxBytes: 1024, invalid: "Send JSON." };

async function refusal(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
}

/** A body stream that never ends, counting the bytes handed out. */
function endless(chunk = 256) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe("JSON request bodies", () => {
  it("reads a JSON body sent as application/json (any case, with parameters)", async () => {
    for (const type of ["application/json", "Application/JSON; charset=utf-8"]) {
      const request = new Request(url, {
        method: "POST",
        headers: { "content-type": type },
        body: '{"a":1}',
      });
      expect(await readJsonBody(request, opts)).toEqual({ a: 1 });
    }
  });

  it("refuses another or a missing content type with 415", async () => {
    for (const headers of [{ "content-type": "text/plain" }, {}] as Record<string, string>[]) {
      const error = await refusal(
        readJsonBody(new Request(url, { method: "POST", headers, body: '{"a":1}' }), opts),
      );
      expect(error).toBeInstanceOf(BodyRefused);
      expect(error).toMatchObject({ status: 415, code: "unsupported_media_type" });
      expect((error as Error).message).toMatch(/Content-Type: application\/json/);
    }
    expect(mediaType("text/plain;charset=utf-8")).toBe("text/plain");
    expect(mediaType(null)).toBeNull();
  });

  it("refuses a body over the limit with 413 after reading at most one chunk past it", async () => {
    const { stream, state } = endless();
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const error = await refusal(readJsonBody(request, opts));
    expect(error).toMatchObject({ status: 413, code: "payload_too_large" });
    expect((error as Error).message).toMatch(/larger than 1024 bytes/);
    // The reader stops at limit + 1 bytes (plus what was already buffered), and cancels the rest.
    expect(state.pulled).toBeLessThan(1024 + 4 * 256);
    expect(state.cancelled).toBe(true);
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    const { stream, state } = endless();
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "99999" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(await refusal(readJsonBody(request, opts))).toMatchObject({ status: 413 });
    expect(state.pulled).toBeLessThanOrEqual(256);
  });

  it("accepts a body of exactly the limit", async () => {
    const body = JSON.stringify({ pad: "x".repeat(1024 - 10) });
    expect(body).toHaveLength(1024);
    const request = new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(await readJsonBody(request, opts)).toMatchObject({ pad: expect.any(String) });
  });

  it("refuses malformed JSON and invalid UTF-8 with 400 and the caller's sentence", async () => {
    for (const body of ["{not json", new Uint8Array([0x22, 0xff, 0xfe, 0x22])]) {
      const error = await refusal(
        readJsonBody(
          new Request(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          }),
          opts,
        ),
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "bad_request", message: "Send JSON." });
    }
  });
});
