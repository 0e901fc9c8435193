ALTER TABLE "shows" ADD COLUMN "auto_publish_transcripts" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "transcripts" ADD COLUMN "transcript_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "transcripts" ADD COLUMN "chapters_published_at" timestamp with time zone;