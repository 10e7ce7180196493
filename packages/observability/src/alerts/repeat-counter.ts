/**
 * Counts occurrences per kind in a sliding window and says when a kind reaches the threshold;
 * after that, the kind stays quiet for one window, so a failure that goes on raises one alert a
 * window rather than one per occurrence.
 */
export class RepeatCounter {
  readonly #threshold: number;
  readonly #windowMs: number;
  /** Per kind, the times of its occurrences within the window, oldest first. */
  readonly #seen = new Map<string, number[]>();
  /** Per kind, until when it stays quiet. */
  readonly #quietUntil = new Map<string, number>();

  constructor(threshold: number, windowMs: number) {
    this.#threshold = threshold;
    this.#windowMs = windowMs;
  }

  /** Records one occurrence at `now`; returns the count in the window when an alert is due. */
  record(kind: string, now: number): number | undefined {
    const times = this.#seen.get(kind) ?? [];
    this.#seen.set(kind, times);
    times.push(now);
    const start = now - this.#windowMs;
    const firstInWindow = times.findIndex((t) => t > start);
    times.splice(0, firstInWindow === -1 ? times.length : firstInWindow);
    // A retry storm could otherwise grow this without bound; past the threshold only the count
    // matters, and the oldest times are the first to leave the window anyway.
    if (times.length > this.#threshold * 100) times.splice(0, times.length - this.#threshold * 100);
    this.#forgetIdle(start);
    if (times.length < this.#threshold || (this.#quietUntil.get(kind) ?? 0) > now) return undefined;
    this.#quietUntil.set(kind, now + this.#windowMs);
    return times.length;
  }

  /** Kinds nothing was seen of for a window are dropped, so odd one-off kinds do not pile up. */
  #forgetIdle(start: number): void {
    for (const [kind, times] of this.#seen) {
      const last = times.at(-1);
      if (last === undefined || last <= start) {
        this.#seen.delete(kind);
        this.#quietUntil.delete(kind);
      }
    }
  }
}
