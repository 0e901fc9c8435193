CREATE TABLE "analytics_daily_downloads" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"show_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"app" text NOT NULL,
	"platform" text NOT NULL,
	"country" text NOT NULL,
	"downloads" integer NOT NULL,
	CONSTRAINT "analytics_daily_downloads_workspace_id_day_episode_id_app_platform_country_pk" PRIMARY KEY("workspace_id","day","episode_id","app","platform","country")
);
--> statement-breakpoint
CREATE TABLE "analytics_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"media_id" uuid,
	"requested_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"listener_key" text NOT NULL,
	"method" text NOT NULL,
	"status" integer NOT NULL,
	"range_header" text,
	"range_start" bigint,
	"bytes_sent" bigint NOT NULL,
	"user_agent" text NOT NULL,
	"country" text,
	"referrer" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_rollups" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"requests" integer NOT NULL,
	"downloads" integer NOT NULL,
	"dropped_not_served" integer NOT NULL,
	"dropped_bot" integer NOT NULL,
	"dropped_preload" integer NOT NULL,
	"dropped_apple_watch" integer NOT NULL,
	"dropped_duplicate" integer NOT NULL,
	"dropped_under_threshold" integer NOT NULL,
	"methodology_version" text NOT NULL,
	"lists_version" text NOT NULL,
	"thresholds" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_rollups_workspace_id_day_pk" PRIMARY KEY("workspace_id","day")
);
--> statement-breakpoint
CREATE TABLE "analytics_salts" (
	"day" date PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_daily_downloads" ADD CONSTRAINT "analytics_daily_downloads_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_downloads" ADD CONSTRAINT "analytics_daily_downloads_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_downloads" ADD CONSTRAINT "analytics_daily_downloads_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_requests" ADD CONSTRAINT "analytics_requests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_requests" ADD CONSTRAINT "analytics_requests_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_requests" ADD CONSTRAINT "analytics_requests_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_requests" ADD CONSTRAINT "analytics_requests_media_id_media_objects_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media_objects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_rollups" ADD CONSTRAINT "analytics_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_daily_downloads_show_idx" ON "analytics_daily_downloads" USING btree ("workspace_id","show_id","day");--> statement-breakpoint
CREATE INDEX "analytics_requests_day_idx" ON "analytics_requests" USING btree ("workspace_id","day");--> statement-breakpoint
CREATE INDEX "analytics_requests_by_day_idx" ON "analytics_requests" USING btree ("day");