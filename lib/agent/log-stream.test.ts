import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { LogStream } from "./log-stream";

describe("log stream", () => {
  it("sends output in order, in chunks the server accepts, retrying while the server is down", async () => {
    const sent: string[] = [];
    let failures = 2;
    const stream = new LogStream(
      async (text) => {
        if (failures-- > 0) throw new TypeError("fetch failed");
        sent.push(text);
      },
      () => {
        throw new Error("not refused");
      },
      10,
    );
    stream.write("a".repeat(LogStream.CHUNK_CHARS + 5));
    stream.write("tail\n");
    await stream.end();
    expect(sent.join("")).toBe(`${"a".repeat(LogStream.CHUNK_CHARS + 5)}tail\n`);
    expect(Math.max(...sent.map((s) => s.length))).toBeLessThanOrEqual(LogStream.CHUNK_CHARS);
  });

  it("stops at the server's refusal and says so once", async () => {
    const refusals: unknown[] = [];
    let calls = 0;
    const stream = new LogStream(
      async () => {
        calls += 1;
        throw new ApiError(422, "unprocessable", "over the cap");
      },
      (error) => refusals.push(error),
      10,
    );
    stream.write("x".repeat(LogStream.CHUNK_CHARS * 2));
    await stream.end();
    stream.write("more");
    expect(calls).toBe(1);
    expect(refusals).toHaveLength(1);
  });
});
