CREATE TABLE "advertisers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"creative_id" uuid,
	"creative_revision" integer,
	"share_link_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"decided_by_name" text NOT NULL,
	"decided_by_email" text DEFAULT '' NOT NULL,
	"ip" text,
	"user_agent" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_creatives" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"flight_id" uuid,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"script" text DEFAULT '' NOT NULL,
	"talking_points" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"promo_code" text DEFAULT '' NOT NULL,
	"url" text DEFAULT '' NOT NULL,
	"media_id" uuid,
	"duration_seconds" integer,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_flight_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"flight_id" uuid NOT NULL,
	"show_id" uuid,
	"episode_id" uuid,
	CONSTRAINT "campaign_flight_targets_one_check" CHECK (("campaign_flight_targets"."show_id" is null) <> ("campaign_flight_targets"."episode_id" is null))
);
--> statement-breakpoint
CREATE TABLE "campaign_flights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"name" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"position" text NOT NULL,
	"impressions_goal" integer NOT NULL,
	"priority" integer DEFAULT 5 NOT NULL,
	"frequency_cap" integer,
	"frequency_days" integer,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_flights_dates_check" CHECK ("campaign_flights"."ends_on" >= "campaign_flights"."starts_on"),
	CONSTRAINT "campaign_flights_goal_check" CHECK ("campaign_flights"."impressions_goal" >= 0),
	CONSTRAINT "campaign_flights_frequency_check" CHECK (("campaign_flights"."frequency_cap" is null) = ("campaign_flights"."frequency_days" is null) and coalesce("campaign_flights"."frequency_cap", 1) > 0 and coalesce("campaign_flights"."frequency_days", 1) > 0)
);
--> statement-breakpoint
CREATE TABLE "campaign_share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_share_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"advertiser_id" uuid NOT NULL,
	"name" text NOT NULL,
	"budget_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"pricing" text NOT NULL,
	"rate_cents" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"io_contact_name" text DEFAULT '' NOT NULL,
	"io_contact_email" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_dates_check" CHECK ("campaigns"."ends_on" >= "campaigns"."starts_on"),
	CONSTRAINT "campaigns_money_check" CHECK ("campaigns"."budget_cents" >= 0 and "campaigns"."rate_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "invoice_counters" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"last_number" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"advertiser_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"currency" text NOT NULL,
	"line_items" jsonb NOT NULL,
	"total_cents" bigint NOT NULL,
	"issued_on" date NOT NULL,
	"due_on" date NOT NULL,
	"bill_to" jsonb NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"stripe_invoice_id" text,
	"sent_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "advertisers" ADD CONSTRAINT "advertisers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advertisers" ADD CONSTRAINT "advertisers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_approvals" ADD CONSTRAINT "campaign_approvals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_approvals" ADD CONSTRAINT "campaign_approvals_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_approvals" ADD CONSTRAINT "campaign_approvals_creative_id_campaign_creatives_id_fk" FOREIGN KEY ("creative_id") REFERENCES "public"."campaign_creatives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_approvals" ADD CONSTRAINT "campaign_approvals_share_link_id_campaign_share_links_id_fk" FOREIGN KEY ("share_link_id") REFERENCES "public"."campaign_share_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_creatives" ADD CONSTRAINT "campaign_creatives_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_creatives" ADD CONSTRAINT "campaign_creatives_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_creatives" ADD CONSTRAINT "campaign_creatives_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_creatives" ADD CONSTRAINT "campaign_creatives_media_id_media_objects_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media_objects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flight_targets" ADD CONSTRAINT "campaign_flight_targets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flight_targets" ADD CONSTRAINT "campaign_flight_targets_flight_id_campaign_flights_id_fk" FOREIGN KEY ("flight_id") REFERENCES "public"."campaign_flights"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flight_targets" ADD CONSTRAINT "campaign_flight_targets_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flight_targets" ADD CONSTRAINT "campaign_flight_targets_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flights" ADD CONSTRAINT "campaign_flights_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_flights" ADD CONSTRAINT "campaign_flights_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_share_links" ADD CONSTRAINT "campaign_share_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_share_links" ADD CONSTRAINT "campaign_share_links_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_share_links" ADD CONSTRAINT "campaign_share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_advertiser_id_advertisers_id_fk" FOREIGN KEY ("advertiser_id") REFERENCES "public"."advertisers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_counters" ADD CONSTRAINT "invoice_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_advertiser_id_advertisers_id_fk" FOREIGN KEY ("advertiser_id") REFERENCES "public"."advertisers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advertisers_workspace_idx" ON "advertisers" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_approvals_subject_idx" ON "campaign_approvals" USING btree ("share_link_id",coalesce("creative_id", '00000000-0000-0000-0000-000000000000'::uuid),coalesce("creative_revision", 0));--> statement-breakpoint
CREATE INDEX "campaign_approvals_campaign_idx" ON "campaign_approvals" USING btree ("workspace_id","campaign_id","decided_at");--> statement-breakpoint
CREATE INDEX "campaign_creatives_campaign_idx" ON "campaign_creatives" USING btree ("workspace_id","campaign_id");--> statement-breakpoint
CREATE INDEX "campaign_creatives_flight_idx" ON "campaign_creatives" USING btree ("workspace_id","flight_id");--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_flight_targets_show_idx" ON "campaign_flight_targets" USING btree ("flight_id","show_id") WHERE "campaign_flight_targets"."show_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_flight_targets_episode_idx" ON "campaign_flight_targets" USING btree ("flight_id","episode_id") WHERE "campaign_flight_targets"."episode_id" is not null;--> statement-breakpoint
CREATE INDEX "campaign_flight_targets_workspace_show_idx" ON "campaign_flight_targets" USING btree ("workspace_id","show_id");--> statement-breakpoint
CREATE INDEX "campaign_flight_targets_workspace_episode_idx" ON "campaign_flight_targets" USING btree ("workspace_id","episode_id");--> statement-breakpoint
CREATE INDEX "campaign_flights_campaign_idx" ON "campaign_flights" USING btree ("workspace_id","campaign_id");--> statement-breakpoint
CREATE INDEX "campaign_flights_dates_idx" ON "campaign_flights" USING btree ("workspace_id","starts_on","ends_on");--> statement-breakpoint
CREATE INDEX "campaign_share_links_campaign_idx" ON "campaign_share_links" USING btree ("workspace_id","campaign_id");--> statement-breakpoint
CREATE INDEX "campaigns_workspace_idx" ON "campaigns" USING btree ("workspace_id","starts_on");--> statement-breakpoint
CREATE INDEX "campaigns_advertiser_idx" ON "campaigns" USING btree ("workspace_id","advertiser_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_idx" ON "invoices" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "invoices_campaign_idx" ON "invoices" USING btree ("workspace_id","campaign_id");