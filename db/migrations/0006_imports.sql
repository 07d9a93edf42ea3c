CREATE TABLE "import_sources" (
	"format" text NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"post_slug" text NOT NULL,
	"submission_id" uuid,
	"comment_id" integer,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_sources_format_kind_source_id_pk" PRIMARY KEY("format","kind","source_id")
);
--> statement-breakpoint
CREATE TABLE "redirects" (
	"old_path" text PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "import_sources" ADD CONSTRAINT "import_sources_submission_id_comment_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."comment_submissions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_sources" ADD CONSTRAINT "import_sources_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comments"("id") ON DELETE set null ON UPDATE no action;