CREATE TABLE "ad_arrangements" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"media_id" uuid,
	"size" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"ads" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ad_deliveries" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"flight_id" uuid NOT NULL,
	"show_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"country" text NOT NULL,
	"app" text NOT NULL,
	"delivered" integer NOT NULL,
	CONSTRAINT "ad_deliveries_workspace_id_day_flight_id_episode_id_country_app_pk" PRIMARY KEY("workspace_id","day","flight_id","episode_id","country","app")
);
--> statement-breakpoint
CREATE TABLE "ad_host_read_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"flight_id" uuid NOT NULL,
	"creative_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"found" boolean NOT NULL,
	"passage" text,
	"start_ms" integer,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ad_slot_bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"flight_id" uuid NOT NULL,
	"creative_id" uuid NOT NULL,
	"live_from" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ad_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	"position" text NOT NULL,
	"at_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_slots_mid_time_check" CHECK (("ad_slots"."position" = 'mid') = ("ad_slots"."at_ms" is not null) and coalesce("ad_slots"."at_ms", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "analytics_requests" ADD COLUMN "arrangement_id" text;--> statement-breakpoint
ALTER TABLE "ad_arrangements" ADD CONSTRAINT "ad_arrangements_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_arrangements" ADD CONSTRAINT "ad_arrangements_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_arrangements" ADD CONSTRAINT "ad_arrangements_media_id_media_objects_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media_objects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_deliveries" ADD CONSTRAINT "ad_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_deliveries" ADD CONSTRAINT "ad_deliveries_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_deliveries" ADD CONSTRAINT "ad_deliveries_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_deliveries" ADD CONSTRAINT "ad_deliveries_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_host_read_evidence" ADD CONSTRAINT "ad_host_read_evidence_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_host_read_evidence" ADD CONSTRAINT "ad_host_read_evidence_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_host_read_evidence" ADD CONSTRAINT "ad_host_read_evidence_creative_id_campaign_creatives_id_fk" FOREIGN KEY ("creative_id") REFERENCES "public"."campaign_creatives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_host_read_evidence" ADD CONSTRAINT "ad_host_read_evidence_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slot_bookings" ADD CONSTRAINT "ad_slot_bookings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slot_bookings" ADD CONSTRAINT "ad_slot_bookings_slot_id_ad_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."ad_slots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slot_bookings" ADD CONSTRAINT "ad_slot_bookings_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slot_bookings" ADD CONSTRAINT "ad_slot_bookings_creative_id_campaign_creatives_id_fk" FOREIGN KEY ("creative_id") REFERENCES "public"."campaign_creatives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slots" ADD CONSTRAINT "ad_slots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_slots" ADD CONSTRAINT "ad_slots_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ad_arrangements_episode_idx" ON "ad_arrangements" USING btree ("workspace_id","episode_id");--> statement-breakpoint
CREATE INDEX "ad_deliveries_flight_idx" ON "ad_deliveries" USING btree ("workspace_id","flight_id","day");--> statement-breakpoint
CREATE INDEX "ad_host_read_evidence_flight_idx" ON "ad_host_read_evidence" USING btree ("workspace_id","flight_id","episode_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ad_slot_bookings_slot_flight_idx" ON "ad_slot_bookings" USING btree ("slot_id","flight_id");--> statement-breakpoint
CREATE INDEX "ad_slot_bookings_flight_idx" ON "ad_slot_bookings" USING btree ("workspace_id","flight_id");--> statement-breakpoint
CREATE INDEX "ad_slots_episode_idx" ON "ad_slots" USING btree ("workspace_id","episode_id");