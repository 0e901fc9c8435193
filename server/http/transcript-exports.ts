import { Hono } from "hono";
import type { Env } from "../env";
import { AppError } from "../lib/errors";
import { isExportFormat } from "../services/exports/catalog";
import { EXPORT_FORMATS, exportFilename } from "../services/exports/formats";
import { assetFontSource } from "../services/exports/fonts";
import { loadTranscriptForExport } from "../services/exports/load";
import type { TrpcContext } from "../trpc/context";
import { notFoundResponse } from "./r2-range";
import { isRowId } from "../lib/text";

type ExportEnv = { Bindings: Env; Variables: { trpc: TrpcContext } };

export const transcriptExportRoutes = new Hono<ExportEnv>();

/** GET /api/transcripts/:id/export.<txt|srt|vtt|json|docx|pdf>: generated here, as a download. */
transcriptExportRoutes.get("/api/transcripts/:transcriptId/:file", async (c, next) => {
  const auth = c.var.trpc.auth;
  const transcriptId = c.req.param("transcriptId");
  const exportName = /^export\.([a-z0-9]+)$/.exec(c.req.param("file"));
  // Other files under /api/transcripts/ belong to other routes.
  if (!exportName) return next();
  const format = exportName[1];
  if (!isRowId(transcriptId) || !isExportFormat(format)) return notFoundResponse();
  if (!auth) return c.text("Log in to download this transcript.", 401, { "cache-control": "no-store" });
  try {
    const transcript = await loadTranscriptForExport({ db: c.var.trpc.db, transcriptId, userId: auth.user.id });
    if (!c.env.ASSETS) throw new Error("The ASSETS binding (static assets) is missing; PDF fonts are served from it.");
    const bytes = await EXPORT_FORMATS[format].render(transcript, { fonts: assetFontSource(c.env.ASSETS) });
    return new Response(bytes, {
      headers: {
        "content-type": EXPORT_FORMATS[format].contentType,
        "content-length": String(bytes.length),
        // The name is reduced to ASCII letters, digits and dashes, so it needs no quoting rules beyond these.
        "content-disposition": `attachment; filename="${exportFilename(transcript.title, format)}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return notFoundResponse(error.message);
    throw error;
  }
});
