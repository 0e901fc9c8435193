ALTER TABLE "episodes" ADD COLUMN "visibility_event_id" uuid;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "visibility_event_id" uuid;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_visibility_event_id_events_id_fk" FOREIGN KEY ("visibility_event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_visibility_event_id_events_id_fk" FOREIGN KEY ("visibility_event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "episodes_visibility_event_idx" ON "episodes" USING btree ("visibility_event_id");--> statement-breakpoint
CREATE INDEX "posts_visibility_event_idx" ON "posts" USING btree ("visibility_event_id");--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_visibility_event_check" CHECK (("episodes"."visibility" = 'ticket_holders') = ("episodes"."visibility_event_id" is not null));--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_visibility_event_check" CHECK (("posts"."visibility" = 'ticket_holders') = ("posts"."visibility_event_id" is not null));