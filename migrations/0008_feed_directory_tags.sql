ALTER TABLE "media_objects" ADD COLUMN "width_px" integer;--> statement-breakpoint
ALTER TABLE "media_objects" ADD COLUMN "height_px" integer;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "episode_type" text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "owner_email" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "podcast_guid" uuid;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "locked" boolean DEFAULT true NOT NULL;