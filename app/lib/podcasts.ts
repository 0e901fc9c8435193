import type { EpisodeStatus } from "../../db/schema/podcasts";
import { text } from "./forms";

export const STATUS_LABELS: Record<EpisodeStatus, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  published: "Published",
};
export const STATUS_BADGES: Record<EpisodeStatus, string> = {
  draft: "badge",
  scheduled: "badge badge-warning",
  published: "badge badge-success",
};

const pad = (n: number) => String(n).padStart(2, "0");

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(seconds: number | null) {
  if (seconds === null) return null;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** 62345 -> "01:02" (or "1:01:02" past an hour): where a transcript line starts. */
export function formatTimestamp(ms: number) {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  return h
    ? `${h}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`
    : `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

export function formatBytes(bytes: number | null) {
  if (bytes === null) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "S2 · E5", "E5" or null. */
export function episodeCode(episode: { seasonNumber: number | null; episodeNumber: number | null }) {
  const parts = [
    episode.seasonNumber !== null ? `S${episode.seasonNumber}` : null,
    episode.episodeNumber !== null ? `E${episode.episodeNumber}` : null,
  ];
  return parts.filter(Boolean).join(" · ") || null;
}

/** An optional whole number from a form: "" is null; anything else goes to the procedure, which validates it. */
export function optionalNumber(form: FormData, name: string) {
  const value = text(form, name).trim();
  return value === "" ? null : Number(value);
}

/** An optional id from a select: "" (the "none" option) is null. */
export const optionalId = (form: FormData, name: string) => text(form, name) || null;
