import { formatted } from "../../../lib/text";

/** A provider's object id as Greenroom handed it out (`sbcs_…`, `sbsub_…`, `pi_…`, `ch_…`): bounded, URL-safe. */
export const providerId = (label: string) =>
  formatted(label, /^[a-z]{2,6}_[A-Za-z0-9]{6,64}$/, `Unknown ${label}.`, 80);
