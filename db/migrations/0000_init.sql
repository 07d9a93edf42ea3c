CREATE TABLE "comment_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"post_slug" text NOT NULL,
	"body" text NOT NULL,
	"part_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comment_submissions_part_count_positive" CHECK ("comment_submissions"."part_count" >= 1)
);
--> statement-breakpoint
CREATE TABLE "comments" (
	"id" serial PRIMARY KEY NOT NULL,
	"post_slug" text NOT NULL,
	"parent_id" integer,
	"position" integer NOT NULL,
	"author_kind" text NOT NULL,
	"display_name" text NOT NULL,
	"website" text,
	"email" text,
	"body" text NOT NULL,
	"status" text DEFAULT 'published' NOT NULL,
	"submission_id" uuid NOT NULL,
	"part_index" integer DEFAULT 1 NOT NULL,
	"part_count" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "comments_sibling_position" UNIQUE NULLS NOT DISTINCT("post_slug","parent_id","position"),
	CONSTRAINT "comments_position_positive" CHECK ("comments"."position" >= 1),
	CONSTRAINT "comments_part_index_in_range" CHECK ("comments"."part_index" >= 1 and "comments"."part_index" <= "comments"."part_count"),
	CONSTRAINT "comments_removed_has_time" CHECK (("comments"."status" = 'removed') = ("comments"."removed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_parent_id_comments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."comments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_submission_id_comment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."comment_submissions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_post_order" ON "comments" USING btree ("post_slug","created_at","id");--> statement-breakpoint
CREATE INDEX "comments_parent" ON "comments" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "comments_submission" ON "comments" USING btree ("submission_id","part_index");