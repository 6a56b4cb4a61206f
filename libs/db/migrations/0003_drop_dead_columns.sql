DROP TABLE "device_status" CASCADE;--> statement-breakpoint
ALTER TABLE "dose_ledger" DROP COLUMN "temperature_c";