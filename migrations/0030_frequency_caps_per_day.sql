CREATE TABLE "ad_listener_flights" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"listener_key" text NOT NULL,
	"flight_id" uuid NOT NULL,
	"episode_id" uuid NOT NULL,
	CONSTRAINT "ad_listener_flights_day_listener_key_flight_id_episode_id_pk" PRIMARY KEY("day","listener_key","flight_id","episode_id")
);
--> statement-breakpoint
ALTER TABLE "ad_listener_flights" ADD CONSTRAINT "ad_listener_flights_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_listener_flights" ADD CONSTRAINT "ad_listener_flights_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_listener_flights" ADD CONSTRAINT "ad_listener_flights_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ad_listener_flights_workspace_idx" ON "ad_listener_flights" USING btree ("workspace_id","day");--> statement-breakpoint
-- Caps cannot span days (listener keys change daily, ADR 019/024): a cap stored over D > 1 days now holds per day.
UPDATE "campaign_flights" SET "frequency_days" = 1 WHERE "frequency_days" > 1;
