/**
 * Output of test tiers that run at the same time in lanes (each lane runs its tiers one after
 * another), kept readable: one lane's tier streams as it runs; a tier of another lane writes into
 * a buffer that is printed whole as soon as no tier is half printed (between two tiers of the
 * streaming lane, or at once when that lane is idle). When the streaming lane has run all its
 * tiers, a lane with a tier still running takes over: what that tier buffered is printed, and the
 * rest of it streams.
 */
export class LaneOutput {
  private live: string | undefined;
  private readonly running = new Map<string, string[]>();
  private readonly waiting: string[][] = [];
  private readonly done = new Set<string>();

  /** `lanes` in order of preference for streaming. */
  constructor(
    private readonly lanes: string[],
    private readonly out: (text: string) => void,
  ) {
    this.live = lanes[0];
  }

  /** A tier of `lane` starts; `text` is its header. */
  start(lane: string, text: string): void {
    this.running.set(lane, []);
    this.write(lane, text);
  }

  write(lane: string, text: string): void {
    if (lane === this.live) this.out(text);
    else this.running.get(lane)?.push(text);
  }

  /** The tier running in `lane` ends; `text` is its closing line. */
  end(lane: string, text: string): void {
    this.write(lane, text);
    const buffered = this.running.get(lane) ?? [];
    this.running.delete(lane);
    if (lane !== this.live) this.waiting.push(buffered);
    if (this.live === undefined || !this.running.has(this.live)) this.flushWaiting();
  }

  /** `lane` has run all its tiers. */
  finish(lane: string): void {
    this.done.add(lane);
    if (lane !== this.live) return;
    this.flushWaiting();
    const open = this.lanes.filter((l) => !this.done.has(l));
    this.live = open.find((l) => this.running.has(l)) ?? open[0];
    if (this.live !== undefined) {
      const buffered = this.running.get(this.live);
      if (buffered) this.out(buffered.splice(0).join(""));
    }
  }

  /** Prints everything still buffered (on an interrupt). */
  flushAll(): void {
    this.flushWaiting();
    for (const [lane, buffered] of this.running) {
      if (lane !== this.live) this.out(buffered.splice(0).join(""));
    }
  }

  private flushWaiting(): void {
    for (const block of this.waiting.splice(0)) this.out(block.join(""));
  }
}
