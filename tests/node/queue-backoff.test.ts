import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../workers/queues/dispatch";

describe("queue retry backoff", () => {
  it("doubles from 10 s per attempt and caps at one hour (well under Queues' 12 h delay limit)", () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 320]);
    expect(retryDelaySeconds(30)).toBe(3600);
  });
});
