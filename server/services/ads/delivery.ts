import { screenRequest, UNKNOWN_COUNTRY, unionOfIntervals, type CountableRequest } from "../analytics/counting";

/**
 * Ad delivery, the way PRX Dovetail counts it and issue 14 item 5 requires: an inserted ad is delivered to a
 * listener only when every byte of its part of the stitched file reached them within the counting window (one UTC
 * day, as downloads: docs/decisions/019). A listener's requests are screened by the download rules (not served,
 * bots, pre-loads, Apple Watch), grouped per listener, episode and arrangement, and their served ranges joined
 * with the same union the download count uses; an ad counts once per group however often its bytes were fetched.
 */

/** Where one ad sits in one arrangement's bytes, [byteStart, byteEnd). */
export interface ArrangedAd {
  flightId: string;
  byteStart: number;
  byteEnd: number;
}

export interface AdRequest extends CountableRequest {
  /** The arrangement served; null for requests of an episode served without insertion. */
  arrangementId: string | null;
}

export interface DeliveryCell {
  flightId: string;
  showId: string;
  episodeId: string;
  country: string;
  app: string;
  delivered: number;
}

/** True when [start, end) lies inside one interval of a union (a gap anywhere inside means not delivered). */
export const covers = (union: readonly [number, number][], start: number, end: number) =>
  union.some(([from, to]) => from <= start && end <= to);

export function countAdDeliveries(opts: {
  requests: readonly AdRequest[];
  /** The ads of an arrangement; an unknown id (pruned) counts nothing. */
  adsOf: (arrangementId: string) => readonly ArrangedAd[] | undefined;
}): DeliveryCell[] {
  const groups = new Map<string, { request: AdRequest; app: string }[]>();
  for (const request of opts.requests) {
    if (!request.arrangementId) continue;
    const screened = screenRequest(request);
    if ("dropped" in screened) continue;
    const key = [request.episodeId, request.listenerKey, request.arrangementId].join("\u0000");
    const group = groups.get(key) ?? [];
    group.push({ request, app: screened.app });
    groups.set(key, group);
  }
  const cells = new Map<string, DeliveryCell>();
  for (const group of groups.values()) {
    const ads = opts.adsOf(group[0].request.arrangementId!) ?? [];
    if (ads.length === 0) continue;
    const union = unionOfIntervals(
      group.map(({ request: r }) => [r.rangeStart ?? 0, (r.rangeStart ?? 0) + r.bytesSent] as [number, number]),
    );
    // Credited like a download: to the earliest request's app and country.
    group.sort(
      (x, y) =>
        x.request.requestedAt.getTime() - y.request.requestedAt.getTime() || x.request.id.localeCompare(y.request.id),
    );
    const first = group[0];
    const country = first.request.country ?? UNKNOWN_COUNTRY;
    for (const ad of ads) {
      if (!covers(union, ad.byteStart, ad.byteEnd)) continue;
      // The same flight twice in one arrangement (pre and post) is two impressions, one per ad.
      const key = [ad.flightId, first.request.episodeId, country, first.app].join("\u0000");
      const cell = cells.get(key) ?? {
        flightId: ad.flightId,
        showId: first.request.showId,
        episodeId: first.request.episodeId,
        country,
        app: first.app,
        delivered: 0,
      };
      cell.delivered++;
      cells.set(key, cell);
    }
  }
  return [...cells.values()];
}
