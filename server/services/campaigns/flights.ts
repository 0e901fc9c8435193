import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import {
  campaignCreatives,
  campaignFlights,
  campaignFlightTargets,
  episodes,
  shows,
  type CreativeAudioEncoding,
  type FlightPosition,
  type FlightStatus,
} from "../../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { readCreativeAudio } from "../ads/creative-audio";
import { requireWorkspaceMedia } from "../podcasts/media-refs";
import { auditAs, type Actor } from "./records";
import { checkDateRange, presentCreative, presentFlight, requireCampaign } from "./campaigns";

export interface FlightFields {
  name: string;
  startsOn: string;
  endsOn: string;
  position: FlightPosition;
  impressionsGoal: number;
  priority: number;
  frequency: { cap: number; days: number } | null;
  status: FlightStatus;
  /** Whole shows (every episode) and single episodes; at least one of the two. */
  showIds: string[];
  episodeIds: string[];
}

function flightValues(fields: FlightFields) {
  const { frequency, showIds: _shows, episodeIds: _episodes, ...rest } = fields;
  return { ...rest, frequencyCap: frequency?.cap ?? null, frequencyDays: frequency?.days ?? null };
}

/**
 * The shows and episodes a flight targets, each looked up in the caller's workspace inside the write's transaction
 * (ADR 013): another workspace's id and one that exists nowhere are both NOT_FOUND.
 */
async function checkTargets(tx: DbOrTx, workspaceId: string, fields: FlightFields) {
  const showIds = [...new Set(fields.showIds)];
  const episodeIds = [...new Set(fields.episodeIds)];
  if (showIds.length + episodeIds.length === 0)
    throw new AppError("BAD_REQUEST", "Choose at least one show or episode for the flight.", {
      fieldErrors: { showIds: ["Choose at least one show or episode."] },
    });
  if (showIds.length) {
    const found = await tx
      .select({ id: shows.id })
      .from(shows)
      .where(and(eq(shows.workspaceId, workspaceId), inArray(shows.id, showIds)))
      .for("share");
    if (found.length !== showIds.length) throw notFound("Show");
  }
  if (episodeIds.length) {
    const found = await tx
      .select({ id: episodes.id })
      .from(episodes)
      .where(and(eq(episodes.workspaceId, workspaceId), inArray(episodes.id, episodeIds)))
      .for("share");
    if (found.length !== episodeIds.length) throw notFound("Episode");
  }
  return { showIds, episodeIds };
}

async function writeTargets(
  tx: DbOrTx,
  workspaceId: string,
  flightId: string,
  targets: { showIds: string[]; episodeIds: string[] },
) {
  await tx
    .delete(campaignFlightTargets)
    .where(and(eq(campaignFlightTargets.flightId, flightId), eq(campaignFlightTargets.workspaceId, workspaceId)));
  const rows = [
    ...targets.showIds.map((showId) => ({ workspaceId, flightId, showId })),
    ...targets.episodeIds.map((episodeId) => ({ workspaceId, flightId, episodeId })),
  ];
  if (rows.length) await tx.insert(campaignFlightTargets).values(rows);
}

export async function createFlight(input: Actor & { campaignId: string; fields: FlightFields }) {
  checkDateRange(input.fields.startsOn, input.fields.endsOn, "flight");
  return input.db.transaction(async (tx) => {
    const campaign = await requireCampaign({ db: tx, workspaceId: input.workspaceId, campaignId: input.campaignId });
    const targets = await checkTargets(tx, input.workspaceId, input.fields);
    const [row] = await tx
      .insert(campaignFlights)
      .values({
        ...flightValues(input.fields),
        workspaceId: input.workspaceId,
        campaignId: campaign.id,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    await writeTargets(tx, input.workspaceId, row.id, targets);
    await auditAs({ ...input, db: tx }, "campaign.flight_created", {
      campaignId: campaign.id,
      flightId: row.id,
      name: row.name,
    });
    return presentFlight(row);
  });
}

export async function updateFlight(input: Actor & { flightId: string; fields: FlightFields }) {
  checkDateRange(input.fields.startsOn, input.fields.endsOn, "flight");
  return input.db.transaction(async (tx) => {
    const targets = await checkTargets(tx, input.workspaceId, input.fields);
    const [row] = await tx
      .update(campaignFlights)
      .set({ ...flightValues(input.fields), updatedAt: input.now })
      .where(and(eq(campaignFlights.id, input.flightId), eq(campaignFlights.workspaceId, input.workspaceId)))
      .returning();
    if (!row) throw notFound("Flight");
    await writeTargets(tx, input.workspaceId, row.id, targets);
    await auditAs({ ...input, db: tx }, "campaign.flight_updated", {
      campaignId: row.campaignId,
      flightId: row.id,
      name: row.name,
      status: row.status,
    });
    return presentFlight(row);
  });
}

export async function deleteFlight(input: Actor & { flightId: string }) {
  return input.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(campaignFlights)
      .where(and(eq(campaignFlights.id, input.flightId), eq(campaignFlights.workspaceId, input.workspaceId)))
      .returning({ id: campaignFlights.id, campaignId: campaignFlights.campaignId, name: campaignFlights.name });
    if (!row) throw notFound("Flight");
    await auditAs({ ...input, db: tx }, "campaign.flight_deleted", {
      campaignId: row.campaignId,
      flightId: row.id,
      name: row.name,
    });
    return { id: row.id };
  });
}

export interface CreativeFields {
  name: string;
  /** Null: the creative runs in every flight of the campaign. */
  flightId: string | null;
  kind: "host_read" | "audio";
  script: string;
  talkingPoints: string[];
  promoCode: string;
  url: string;
  /** audio only: a ready audio file of the media library. */
  mediaId: string | null;
}

/** A recorded creative's audio as checked before its save's transaction opened. */
interface CheckedAudio {
  mediaId: string;
  encoding: CreativeAudioEncoding;
}

/**
 * Reads and checks a recorded creative's audio from R2 before the save's transaction opens, so the storage read
 * never holds a database connection or the rows the transaction locks. Inside it the file is looked up (and
 * locked) again; its R2 key never changes, so the bytes checked here are the ones saved.
 */
async function checkAudioBeforeSave(opts: {
  db: DbOrTx;
  bucket: R2Bucket;
  workspaceId: string;
  fields: CreativeFields;
}): Promise<CheckedAudio | null> {
  if (opts.fields.kind !== "audio" || !opts.fields.mediaId) return null;
  const media = await requireWorkspaceMedia({
    db: opts.db,
    workspaceId: opts.workspaceId,
    mediaId: opts.fields.mediaId,
    kind: "audio",
    field: "mediaId",
    ready: true,
  });
  return { mediaId: media.id, encoding: await readCreativeAudio({ bucket: opts.bucket, media }) };
}

/**
 * A host read needs words to read; recorded audio needs a ready MP3 of this workspace that the edge can join,
 * whose measured duration and encoding (`audio`, read before the transaction) are copied onto the creative. A
 * flight, when given, must be one of this campaign's.
 */
async function creativeValues(
  tx: DbOrTx,
  audio: CheckedAudio | null,
  workspaceId: string,
  campaignId: string,
  fields: CreativeFields,
) {
  if (fields.flightId) {
    const [flight] = await tx
      .select({ id: campaignFlights.id })
      .from(campaignFlights)
      .where(
        and(
          eq(campaignFlights.id, fields.flightId),
          eq(campaignFlights.workspaceId, workspaceId),
          eq(campaignFlights.campaignId, campaignId),
        ),
      )
      .limit(1)
      .for("share");
    if (!flight) throw notFound("Flight");
  }
  if (fields.kind === "host_read") {
    if (!fields.script && fields.talkingPoints.length === 0)
      throw new AppError("BAD_REQUEST", "Write the script or at least one talking point for the host.", {
        fieldErrors: { script: ["Write the script or at least one talking point."] },
      });
    return { ...fields, mediaId: null, durationSeconds: null, audioEncoding: null };
  }
  if (!fields.mediaId)
    throw new AppError("BAD_REQUEST", "Choose the ad's audio file from the media library.", {
      fieldErrors: { mediaId: ["Choose an audio file."] },
    });
  const media = await requireWorkspaceMedia({
    db: tx,
    workspaceId,
    mediaId: fields.mediaId,
    kind: "audio",
    field: "mediaId",
    ready: true,
  });
  if (audio?.mediaId !== media.id) throw new Error("campaigns: the creative's audio was not checked before saving");
  return { ...fields, mediaId: media.id, durationSeconds: media.durationSeconds, audioEncoding: audio.encoding };
}

export async function createCreative(input: Actor & { bucket: R2Bucket; campaignId: string; fields: CreativeFields }) {
  const audio = await checkAudioBeforeSave(input);
  return input.db.transaction(async (tx) => {
    const campaign = await requireCampaign({ db: tx, workspaceId: input.workspaceId, campaignId: input.campaignId });
    const values = await creativeValues(tx, audio, input.workspaceId, campaign.id, input.fields);
    const [row] = await tx
      .insert(campaignCreatives)
      .values({
        ...values,
        workspaceId: input.workspaceId,
        campaignId: campaign.id,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    await auditAs({ ...input, db: tx }, "campaign.creative_created", {
      campaignId: campaign.id,
      creativeId: row.id,
      name: row.name,
      kind: row.kind,
    });
    return presentCreative(row);
  });
}

/** Every edit is a new revision: an approval given to the previous words or audio no longer counts. */
export async function updateCreative(input: Actor & { bucket: R2Bucket; creativeId: string; fields: CreativeFields }) {
  const audio = await checkAudioBeforeSave(input);
  return input.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: campaignCreatives.id, campaignId: campaignCreatives.campaignId })
      .from(campaignCreatives)
      .where(and(eq(campaignCreatives.id, input.creativeId), eq(campaignCreatives.workspaceId, input.workspaceId)))
      .limit(1)
      .for("update");
    if (!current) throw notFound("Creative");
    const values = await creativeValues(tx, audio, input.workspaceId, current.campaignId, input.fields);
    const [row] = await tx
      .update(campaignCreatives)
      .set({ ...values, revision: sqlIncrement(), updatedAt: input.now })
      .where(and(eq(campaignCreatives.id, current.id), eq(campaignCreatives.workspaceId, input.workspaceId)))
      .returning();
    await auditAs({ ...input, db: tx }, "campaign.creative_updated", {
      campaignId: row.campaignId,
      creativeId: row.id,
      name: row.name,
      revision: row.revision,
    });
    return presentCreative(row);
  });
}

export async function deleteCreative(input: Actor & { creativeId: string }) {
  return input.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(campaignCreatives)
      .where(and(eq(campaignCreatives.id, input.creativeId), eq(campaignCreatives.workspaceId, input.workspaceId)))
      .returning({ id: campaignCreatives.id, campaignId: campaignCreatives.campaignId, name: campaignCreatives.name });
    if (!row) throw notFound("Creative");
    await auditAs({ ...input, db: tx }, "campaign.creative_deleted", {
      campaignId: row.campaignId,
      creativeId: row.id,
      name: row.name,
    });
    return { id: row.id };
  });
}

const sqlIncrement = () => sql`${campaignCreatives.revision} + 1`;
