import { AppError } from "@/lib/errors";

/** A request body refused before it is parsed: 413 (too large) or 415 (not JSON). */
export class BodyRefused extends Error {
  constructor(
    readonly status: 413 | 415,
    readonly code: "payload_too_large" | "unsupported_media_type",
    message: string,
  ) {
    super(message);
    this.name = "BodyRefused";
  }
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | null): string | null {
  if (!contentType) return null;
  return (contentType.split(";")[0] ?? "").trim().toLowerCase() || null;
}

/**
 * The bytes of a request body, reading at most `maxBytes + 1` of them from the stream: a larger
 * body is refused (413) as soon as it passes the limit, whatever its Content-Length says, and the
 * rest is never read.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new BodyRefused(
      413,
      "payload_too_large",
      `The request body is larger than ${maxBytes} bytes. Send a smaller one.`,
    );
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

export type JsonBodyOptions = {
  /** The largest body accepted, in bytes. */
  maxBytes: number;
  /** The sentence a malformed body gets (400), e.g. what to send instead. */
  invalid: string;
};

/**
 * A route's JSON body: `Content-Type: application/json` or 415, at most `maxBytes` or 413, valid
 * UTF-8 JSON or 400 with `invalid` as the message.
 */
export async function readJsonBody(request: Request, options: JsonBodyOptions): Promise<unknown> {
  const type = mediaType(request.headers.get("content-type"));
  if (type !== "application/json") {
    await request.body?.cancel().catch(() => undefined);
    throw new BodyRefused(
      415,
      "unsupported_media_type",
      `Send the body as JSON with Content-Type: application/json${type ? `, not ${type}` : ""}.`,
    );
  }
  const bytes = await readBodyBytes(request, options.maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", options.invalid);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", options.invalid);
  }
}
