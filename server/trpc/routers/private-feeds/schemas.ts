import * as z from "zod";

/** Output shapes shared by the privateFeeds procedures. */
export const ZAddToAppLinks = z.object({ applePodcasts: z.string(), overcast: z.string(), pocketCasts: z.string() });
