ALTER TABLE "runs" ADD COLUMN "plan" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "plan_hash" text;