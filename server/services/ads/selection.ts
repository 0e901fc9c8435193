/**
 * Which booked ad each slot plays for one request (docs/decisions/024). Deterministic for a listener, episode and
 * UTC day, so every range request of one download, and the chapters file fetched beside it, get the same
 * arrangement. Highest priority wins; among equals, a flight is drawn with weight = impressions still missing, so
 * flights behind their goal are heard more; a flight that has met its goal, or whose per-day frequency cap is
 * used up for this listener, yields its slot.
 */

export interface SlotCandidate {
  slotId: string;
  flightId: string;
  creativeId: string;
  priority: number;
  impressionsGoal: number;
  delivered: number;
}

/** A number in [0, 1) from a seed and a salt, stable across isolates (SHA-256, no state). */
async function draw(seed: string, salt: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${seed}\n${salt}`));
  return new DataView(digest).getUint32(0) / 2 ** 32;
}

export async function chooseAds(opts: {
  candidates: readonly SlotCandidate[];
  /** Listener (IP prefix + user agent, not stored), episode and UTC day. */
  seed: string;
  /** Flights whose frequency cap this listener has used up today in other episodes (./frequency.ts). */
  cappedOut?: ReadonlySet<string>;
}): Promise<Map<string, SlotCandidate>> {
  const bySlot = new Map<string, SlotCandidate[]>();
  for (const candidate of opts.candidates) {
    if (candidate.delivered >= candidate.impressionsGoal || opts.cappedOut?.has(candidate.flightId)) continue;
    bySlot.set(candidate.slotId, [...(bySlot.get(candidate.slotId) ?? []), candidate]);
  }
  const chosen = new Map<string, SlotCandidate>();
  // The same flight plays once per arrangement: a listener hears one impression of it per download.
  const used = new Set<string>();
  for (const slotId of [...bySlot.keys()].sort()) {
    const open = bySlot.get(slotId)!.filter((c) => !used.has(c.flightId));
    if (open.length === 0) continue;
    const top = Math.max(...open.map((c) => c.priority));
    const tier = open.filter((c) => c.priority === top).sort((a, b) => a.flightId.localeCompare(b.flightId));
    const weights = tier.map((c) => c.impressionsGoal - c.delivered);
    const total = weights.reduce((a, b) => a + b, 0);
    let pick = (await draw(opts.seed, slotId)) * total;
    let index = 0;
    while (index < tier.length - 1 && pick >= weights[index]) pick -= weights[index++];
    chosen.set(slotId, tier[index]);
    used.add(tier[index].flightId);
  }
  return chosen;
}
