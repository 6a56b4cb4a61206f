CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"role" text,
	"action" text NOT NULL,
	"target" text,
	"reason" text,
	"before" jsonb,
	"after" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_log_prev_hash_unique" UNIQUE("prev_hash")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"protocol_id" text NOT NULL,
	"space" jsonb NOT NULL,
	"objective" jsonb NOT NULL,
	"budget" integer NOT NULL,
	"batch_size" integer DEFAULT 1 NOT NULL,
	"autonomy_envelope" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"optimizer_kind" text NOT NULL,
	"optimizer_url" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suggestions" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"batch" integer NOT NULL,
	"params" jsonb NOT NULL,
	"model_version" text,
	"acquisition_value" double precision,
	"state" text DEFAULT 'proposed' NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"reason" text,
	"run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_status" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "device_status_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"device_id" text NOT NULL,
	"station" text,
	"state" text NOT NULL,
	"driver" text,
	"firmware" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dose_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "dose_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sample_id" text NOT NULL,
	"run_id" text,
	"step_key" text NOT NULL,
	"command_id" text NOT NULL,
	"planned_kgy" double precision NOT NULL,
	"delivered_kgy" double precision NOT NULL,
	"dose_rate_kgy_per_h" double precision,
	"position" text,
	"calibration_id" text,
	"actual_exposure_ms" double precision,
	"source" text,
	"atmosphere" text,
	"temperature_c" double precision,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dose_ledger_command_id_unique" UNIQUE("command_id")
);
--> statement-breakpoint
CREATE TABLE "step_journal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "step_journal_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" text NOT NULL,
	"step_key" text NOT NULL,
	"attempt" integer NOT NULL,
	"state" text NOT NULL,
	"command_id" text NOT NULL,
	"device_id" text,
	"sample_id" text,
	"request" jsonb,
	"read_back" jsonb,
	"settlement" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "step_journal_command_id_unique" UNIQUE("command_id")
);
--> statement-breakpoint
CREATE TABLE "step_journal_transitions" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "step_journal_transitions_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"journal_id" bigint NOT NULL,
	"run_id" text NOT NULL,
	"step_key" text NOT NULL,
	"attempt" integer NOT NULL,
	"command_id" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"resource" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"run_id" text,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "base_polymers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"class" text,
	"thickness_um" double precision,
	"crystallinity" double precision,
	"density_g_cm3" double precision,
	"descriptors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "base_polymers_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "monomers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"smiles" text,
	"molar_mass_g_mol" double precision,
	"descriptors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monomers_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "protocol_versions" (
	"protocol_id" text NOT NULL,
	"version" integer NOT NULL,
	"document" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"created_by" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "protocol_versions_protocol_id_version_pk" PRIMARY KEY("protocol_id","version")
);
--> statement-breakpoint
CREATE TABLE "protocols" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "readings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"device_id" text NOT NULL,
	"run_id" text,
	"step_key" text,
	"sample_id" text,
	"name" text NOT NULL,
	"value" double precision,
	"unit" text,
	"raw" text,
	"device_timestamp" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reagent_lots" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"base_polymer_id" text,
	"monomer_id" text,
	"supplier" text,
	"supplier_lot" text,
	"quantity" double precision,
	"unit" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "results" (
	"id" text PRIMARY KEY NOT NULL,
	"sample_id" text NOT NULL,
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"unit" text,
	"uncertainty" double precision,
	"manifest_hash" text,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_samples" (
	"run_id" text NOT NULL,
	"sample_id" text NOT NULL,
	"position" text,
	CONSTRAINT "run_samples_run_id_sample_id_pk" PRIMARY KEY("run_id","sample_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"protocol_id" text NOT NULL,
	"protocol_version" integer NOT NULL,
	"protocol_hash" text NOT NULL,
	"parameter_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"monomer_id" text,
	"station" text,
	"state" text DEFAULT 'queued' NOT NULL,
	"state_reason" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"campaign_id" text,
	"suggestion_id" text,
	"manifest_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "runs_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "sample_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sample_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sample_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_location" text,
	"to_location" text,
	"temperature_c" double precision,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"actor" text,
	"run_id" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"id" text PRIMARY KEY NOT NULL,
	"barcode" text,
	"substrate_lot_id" text,
	"base_polymer_id" text,
	"initial_mass_g" double precision,
	"current_location" text,
	"imported" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'registered' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "samples_barcode_unique" UNIQUE("barcode")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_sha256_unique" UNIQUE("token_sha256")
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_protocol_id_protocols_id_fk" FOREIGN KEY ("protocol_id") REFERENCES "public"."protocols"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dose_ledger" ADD CONSTRAINT "dose_ledger_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dose_ledger" ADD CONSTRAINT "dose_ledger_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_journal" ADD CONSTRAINT "step_journal_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_journal_transitions" ADD CONSTRAINT "step_journal_transitions_journal_id_step_journal_id_fk" FOREIGN KEY ("journal_id") REFERENCES "public"."step_journal"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protocol_versions" ADD CONSTRAINT "protocol_versions_protocol_id_protocols_id_fk" FOREIGN KEY ("protocol_id") REFERENCES "public"."protocols"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reagent_lots" ADD CONSTRAINT "reagent_lots_base_polymer_id_base_polymers_id_fk" FOREIGN KEY ("base_polymer_id") REFERENCES "public"."base_polymers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reagent_lots" ADD CONSTRAINT "reagent_lots_monomer_id_monomers_id_fk" FOREIGN KEY ("monomer_id") REFERENCES "public"."monomers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_id_results_id_fk" FOREIGN KEY ("id") REFERENCES "public"."results"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_samples" ADD CONSTRAINT "run_samples_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_samples" ADD CONSTRAINT "run_samples_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_monomer_id_monomers_id_fk" FOREIGN KEY ("monomer_id") REFERENCES "public"."monomers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_suggestion_id_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."suggestions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_protocol_id_protocol_version_protocol_versions_protocol_id_version_fk" FOREIGN KEY ("protocol_id","protocol_version") REFERENCES "public"."protocol_versions"("protocol_id","version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sample_events" ADD CONSTRAINT "sample_events_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_substrate_lot_id_reagent_lots_id_fk" FOREIGN KEY ("substrate_lot_id") REFERENCES "public"."reagent_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_base_polymer_id_base_polymers_id_fk" FOREIGN KEY ("base_polymer_id") REFERENCES "public"."base_polymers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "suggestions_campaign_idx" ON "suggestions" USING btree ("campaign_id","batch");--> statement-breakpoint
CREATE INDEX "device_status_device_idx" ON "device_status" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "dose_ledger_sample_idx" ON "dose_ledger" USING btree ("sample_id");--> statement-breakpoint
CREATE UNIQUE INDEX "step_journal_attempt_uq" ON "step_journal" USING btree ("run_id","step_key","attempt");--> statement-breakpoint
CREATE INDEX "step_journal_state_idx" ON "step_journal" USING btree ("state");--> statement-breakpoint
CREATE INDEX "step_journal_transitions_journal_idx" ON "step_journal_transitions" USING btree ("journal_id","seq");--> statement-breakpoint
CREATE INDEX "readings_sample_idx" ON "readings" USING btree ("sample_id","name");--> statement-breakpoint
CREATE INDEX "readings_run_idx" ON "readings" USING btree ("run_id","step_key");--> statement-breakpoint
CREATE INDEX "outbox_state_idx" ON "outbox" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "results_run_sample_name_uq" ON "results" USING btree ("run_id","sample_id","name");--> statement-breakpoint
CREATE INDEX "results_sample_idx" ON "results" USING btree ("sample_id");--> statement-breakpoint
CREATE INDEX "run_samples_sample_idx" ON "run_samples" USING btree ("sample_id");--> statement-breakpoint
CREATE INDEX "runs_state_idx" ON "runs" USING btree ("state");--> statement-breakpoint
CREATE INDEX "runs_campaign_idx" ON "runs" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "sample_events_sample_idx" ON "sample_events" USING btree ("sample_id","id");--> statement-breakpoint
CREATE INDEX "samples_base_polymer_idx" ON "samples" USING btree ("base_polymer_id");--> statement-breakpoint
CREATE INDEX "samples_created_idx" ON "samples" USING btree ("created_at");