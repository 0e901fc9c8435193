/** What a request cost on the database hop, in the production connection model (ADR 016). */
export interface RoundTripCounts {
  /** SQL statements sent (a batch of three counts three). */
  queries: number;
  /**
   * Sequential waves: the longest chain of statements or batches each sent after the previous one answered. A
   * statement's depth is one more than the deepest one that had answered when it was sent.
   */
  waves: number;
  /** WebSocket connections opened; each costs about three round trips (TCP, TLS, upgrade) before its first query. */
  setups: number;
}

/**
 * Counts, never times: reads sent together are one wave, a chain of awaits is as many waves as links, and a chain
 * running beside another (a layout's loader beside a page's) costs its own length, not the sum. Anything that had
 * answered before a statement was sent is taken as something it waited for, which can only overcount.
 */
export class RoundTripMeter {
  private counts: RoundTripCounts = { queries: 0, waves: 0, setups: 0 };
  /** Depth of the deepest statement that has answered so far. */
  private answeredDepth = 0;

  async track<T>(send: () => Promise<T>): Promise<T> {
    const depth = this.answeredDepth + 1;
    this.counts.waves = Math.max(this.counts.waves, depth);
    try {
      return await send();
    } finally {
      this.answeredDepth = Math.max(this.answeredDepth, depth);
    }
  }

  query(): void {
    this.counts.queries++;
  }

  setup(): void {
    this.counts.setups++;
  }

  snapshot(): RoundTripCounts {
    return { ...this.counts };
  }

  /** Edge-to-database round trips on the critical path: waves plus three per connection setup. */
  static productionRoundTrips(counts: RoundTripCounts): number {
    return counts.waves + 3 * counts.setups;
  }
}
