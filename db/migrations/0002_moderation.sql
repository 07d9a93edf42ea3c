CREATE TABLE "comment_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"comment_id" integer NOT NULL,
	"reason" text NOT NULL,
	"reporter_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "comment_revisions" (
	"id" serial PRIMARY KEY NOT NULL,
	"submission_id" uuid NOT NULL,
	"body" text NOT NULL,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"headers" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"submission_id" uuid,
	"post_slug" text NOT NULL,
	"email" text NOT NULL,
	"user_id" text,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unsubscribed_at" timestamp with time zone,
	CONSTRAINT "subscriptions_token_unique" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "trusted_guests" (
	"key" text PRIMARY KEY NOT NULL,
	"approved_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "comments" DROP CONSTRAINT "comments_sibling_position";--> statement-breakpoint
ALTER TABLE "comments" ALTER COLUMN "position" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "comment_submissions" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "comment_submissions" ADD COLUMN "guest_token_hash" text;--> statement-breakpoint
ALTER TABLE "comment_submissions" ADD COLUMN "held_reason" text;--> statement-breakpoint
ALTER TABLE "comment_submissions" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD CONSTRAINT "comment_reports_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD CONSTRAINT "comment_reports_reporter_user_id_users_id_fk" FOREIGN KEY ("reporter_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_revisions" ADD CONSTRAINT "comment_revisions_submission_id_comment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."comment_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_submission_id_comment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."comment_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comment_reports_open" ON "comment_reports" USING btree ("resolved_at","created_at");--> statement-breakpoint
CREATE INDEX "comment_revisions_submission" ON "comment_revisions" USING btree ("submission_id","replaced_at");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "subscriptions_submission" ON "subscriptions" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "subscriptions_post" ON "subscriptions" USING btree ("post_slug","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "comments_sibling_position" ON "comments" USING btree ("post_slug",coalesce("parent_id", 0),"position") WHERE "comments"."position" is not null;--> statement-breakpoint
CREATE INDEX "comments_post_status_parent" ON "comments" USING btree ("post_slug","status","parent_id","position");--> statement-breakpoint
ALTER TABLE "comment_submissions" ADD CONSTRAINT "comment_submissions_idempotency_key_unique" UNIQUE("idempotency_key");--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_published_has_position" CHECK ("comments"."status" <> 'published' or "comments"."position" is not null);