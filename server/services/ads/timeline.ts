import type { ArrangementAd } from "../../../db/schema";

/**
 * Chapters and transcripts follow the arrangement served (issue 14 item 6, ADR 024): in a stitched file every
 * moment of the episode plays later by the length of each ad inserted at or before it. Pure; the feed files'
 * route reads the arrangement by the id in its path and shifts the stored (episode-time) chapters and segments.
 */

type Seam = Pick<ArrangementAd, "episodeAtMs" | "durationMs">;

/** Episode time → stitched time for a start: ads inserted at or before `t` play before it. */
export const shiftStart = (ads: readonly Seam[], t: number) =>
  t + ads.filter((ad) => ad.episodeAtMs <= t).reduce((sum, ad) => sum + ad.durationMs, 0);

/**
 * Episode time → stitched time for an end: only ads inserted strictly before `t` come before it, so a cue that
 * ends at a seam still ends where the ad starts. A cue the cut falls inside (a mid-roll in mid-sentence) spans the
 * ad: its words are heard on both sides of it.
 */
export const shiftEnd = (ads: readonly Seam[], t: number) =>
  t + ads.filter((ad) => ad.episodeAtMs < t).reduce((sum, ad) => sum + ad.durationMs, 0);

export function shiftChapters<T extends { startMs: number }>(ads: readonly Seam[], chapters: readonly T[]): T[] {
  return chapters.map((chapter) => ({ ...chapter, startMs: shiftStart(ads, chapter.startMs) }));
}

export function shiftSegments<T extends { startMs: number; endMs: number }>(
  ads: readonly Seam[],
  segments: readonly T[],
): T[] {
  return segments.map((segment) => ({
    ...segment,
    startMs: shiftStart(ads, segment.startMs),
    endMs: Math.max(shiftStart(ads, segment.startMs), shiftEnd(ads, segment.endMs)),
  }));
}
