/** The Podcasting 2.0 namespace's UUID namespace for podcast:guid. */
const PODCAST_GUID_NAMESPACE = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6";

const hexBytes = (uuid: string) => Uint8Array.from(uuid.replace(/-/g, "").match(/../g)!, (pair) => parseInt(pair, 16));

/**
 * podcast:guid as the namespace defines it: a UUIDv5 (RFC 4122) of the feed URL with its scheme and trailing
 * slashes removed, so any host computes the same value for the same feed.
 */
export async function podcastGuidFor(feedUrl: string): Promise<string> {
  const name = feedUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
  const input = new Uint8Array([...hexBytes(PODCAST_GUID_NAMESPACE), ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = [...hash].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
