import { ApiError } from "./api-client";

/** A refusal (4xx other than 429) is final; anything else (server down, 5xx) is worth a retry. */
function retryable(error: unknown): boolean {
  return !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
}

/**
 * A job's output on its way to the server: gathered, sent about once a second in chunks under
 * the server's 64 KiB limit, one request at a time, in order. While the server is unreachable a
 * chunk is retried (every second, for up to ten minutes), so a server restart loses no output; a
 * chunk the server refuses (its per-job cap) stops the stream, and the job goes on.
 */
export class LogStream {
  private buffer = "";
  private sending: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  sentBytes = 0;

  /** 16 Ki characters are at most 64 KiB of UTF-8. */
  static readonly CHUNK_CHARS = 16 * 1024;

  constructor(
    private readonly send: (text: string) => Promise<unknown>,
    private readonly onRefused: (error: unknown) => void,
    private readonly intervalMs = 1000,
  ) {}

  write(text: string) {
    if (this.closed) return;
    this.buffer += text;
    if (this.buffer.length >= LogStream.CHUNK_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const chunk = this.buffer.slice(0, LogStream.CHUNK_CHARS);
      this.buffer = this.buffer.slice(chunk.length);
      this.sending = this.sending.then(async () => {
        if (this.closed) return;
        for (let attempt = 1; ; attempt++) {
          try {
            await this.send(chunk);
            this.sentBytes += Buffer.byteLength(chunk);
            return;
          } catch (error) {
            if (!retryable(error) || attempt >= 600) {
              this.closed = true;
              this.onRefused(error);
              return;
            }
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      });
    }
  }

  /** Sends what is left and waits for every chunk to be answered. */
  async end(): Promise<void> {
    this.flush();
    await this.sending;
    this.closed = true;
  }
}
