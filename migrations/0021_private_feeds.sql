CREATE TABLE "private_feed_fetches" (
	"workspace_id" uuid NOT NULL,
	"supporter_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"listener_key" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "private_feed_fetches_supporter_id_show_id_listener_key_pk" PRIMARY KEY("supporter_id","show_id","listener_key")
);
--> statement-breakpoint
CREATE TABLE "private_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"supporter_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"generation" integer DEFAULT 0 NOT NULL,
	"rotated_at" timestamp with time zone,
	"shared_flagged_at" timestamp with time zone,
	"shared_listener_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "visibility" text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "visibility_tier_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "episodes" ADD COLUMN "teaser" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "private_feed_fetches" ADD CONSTRAINT "private_feed_fetches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_feed_fetches" ADD CONSTRAINT "private_feed_fetches_supporter_id_supporters_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."supporters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_feed_fetches" ADD CONSTRAINT "private_feed_fetches_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_feeds" ADD CONSTRAINT "private_feeds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_feeds" ADD CONSTRAINT "private_feeds_supporter_id_supporters_id_fk" FOREIGN KEY ("supporter_id") REFERENCES "public"."supporters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "private_feeds" ADD CONSTRAINT "private_feeds_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "private_feed_fetches_seen_idx" ON "private_feed_fetches" USING btree ("supporter_id","show_id","first_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "private_feeds_supporter_show_idx" ON "private_feeds" USING btree ("supporter_id","show_id");--> statement-breakpoint
CREATE INDEX "private_feeds_workspace_idx" ON "private_feeds" USING btree ("workspace_id","shared_flagged_at");