CREATE TABLE "import_run_items" (
	"run_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"post_source_id" text,
	"data" text NOT NULL,
	"plan" text,
	"state" text DEFAULT 'staged' NOT NULL,
	CONSTRAINT "import_run_items_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"options" text NOT NULL,
	"blog" text NOT NULL,
	"total_posts" integer NOT NULL,
	"total_comments" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "import_run_items" ADD CONSTRAINT "import_run_items_run_id_import_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."import_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_run_items_post" ON "import_run_items" USING btree ("run_id","kind","post_source_id","seq");--> statement-breakpoint
CREATE INDEX "import_run_items_source" ON "import_run_items" USING btree ("run_id","kind","source_id");--> statement-breakpoint
CREATE INDEX "import_sources_post" ON "import_sources" USING btree ("format","kind","post_slug");