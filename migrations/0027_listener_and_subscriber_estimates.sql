CREATE TABLE "analytics_daily_listeners" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"show_id" uuid,
	"episode_id" uuid,
	"listeners" integer NOT NULL,
	CONSTRAINT "analytics_daily_listeners_scope_key" UNIQUE NULLS NOT DISTINCT("workspace_id","day","show_id","episode_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily_subscribers" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"show_id" uuid NOT NULL,
	"subscribers" integer NOT NULL,
	"fetchers" integer NOT NULL,
	"aggregators" integer NOT NULL,
	"aggregator_subscribers" integer NOT NULL,
	"fetches" integer NOT NULL,
	"dropped_not_served" integer NOT NULL,
	"dropped_bot" integer NOT NULL,
	"dropped_duplicate" integer NOT NULL,
	"methodology_version" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_daily_subscribers_workspace_id_day_show_id_pk" PRIMARY KEY("workspace_id","day","show_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_feed_fetches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"listener_key" text NOT NULL,
	"method" text NOT NULL,
	"status" integer NOT NULL,
	"user_agent" text NOT NULL,
	"country" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_daily_listeners" ADD CONSTRAINT "analytics_daily_listeners_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_listeners" ADD CONSTRAINT "analytics_daily_listeners_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_listeners" ADD CONSTRAINT "analytics_daily_listeners_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_subscribers" ADD CONSTRAINT "analytics_daily_subscribers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_subscribers" ADD CONSTRAINT "analytics_daily_subscribers_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_feed_fetches" ADD CONSTRAINT "analytics_feed_fetches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_feed_fetches" ADD CONSTRAINT "analytics_feed_fetches_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_daily_listeners_show_idx" ON "analytics_daily_listeners" USING btree ("workspace_id","show_id","day");--> statement-breakpoint
CREATE INDEX "analytics_daily_subscribers_show_idx" ON "analytics_daily_subscribers" USING btree ("workspace_id","show_id","day");--> statement-breakpoint
CREATE INDEX "analytics_feed_fetches_day_idx" ON "analytics_feed_fetches" USING btree ("workspace_id","day");--> statement-breakpoint
CREATE INDEX "analytics_feed_fetches_by_day_idx" ON "analytics_feed_fetches" USING btree ("day");