CREATE TABLE "base_materials" (
	"id" text PRIMARY KEY NOT NULL,
	"polymer_id" text NOT NULL,
	"identity_key" text NOT NULL,
	"name" text,
	"form" text,
	"thickness_um" double precision,
	"basis_weight_g_m2" double precision,
	"crystallinity" double precision,
	"density_g_cm3" double precision,
	"supplier" text,
	"supplier_lot" text,
	"descriptors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"catalogue_ref" text,
	"catalogue_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "base_materials_identity_key_unique" UNIQUE("identity_key"),
	CONSTRAINT "base_materials_form_ck" CHECK ("base_materials"."form" is null or "base_materials"."form" in ('film', 'nonwoven', 'fibre', 'powder', 'membrane')),
	CONSTRAINT "base_materials_crystallinity_ck" CHECK ("base_materials"."crystallinity" is null or ("base_materials"."crystallinity" >= 0 and "base_materials"."crystallinity" <= 1))
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chemicals" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"smiles" text,
	"cas" text,
	"molar_mass_g_mol" double precision,
	"descriptors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chemicals_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "data_sources" (
	"id" text PRIMARY KEY NOT NULL,
	"content_hash" text NOT NULL,
	"origin" text NOT NULL,
	"doi" text,
	"citation" text,
	"lab" text,
	"reported_on" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_sources_content_hash_unique" UNIQUE("content_hash"),
	CONSTRAINT "data_sources_origin_ck" CHECK ("data_sources"."origin" in ('measured-here', 'alliance-history', 'literature'))
);
--> statement-breakpoint
CREATE TABLE "irradiations" (
	"id" text PRIMARY KEY NOT NULL,
	"sample_id" text NOT NULL,
	"run_id" text,
	"method" text,
	"source_kind" text,
	"source" text,
	"facility" text,
	"atmosphere" text,
	"temperature_c" double precision,
	"irradiated_at" timestamp with time zone,
	"storage_time_h" double precision,
	"storage_temperature_c" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "irradiations_method_ck" CHECK ("irradiations"."method" is null or "irradiations"."method" in ('pre-irradiation', 'simultaneous')),
	CONSTRAINT "irradiations_source_kind_ck" CHECK ("irradiations"."source_kind" is null or "irradiations"."source_kind" in ('gamma', 'electron-beam', 'x-ray')),
	CONSTRAINT "irradiations_atmosphere_ck" CHECK ("irradiations"."atmosphere" is null or "irradiations"."atmosphere" in ('N2', 'Ar', 'vacuum', 'air'))
);
--> statement-breakpoint
CREATE TABLE "measurements" (
	"id" text PRIMARY KEY NOT NULL,
	"sample_id" text NOT NULL,
	"property" text NOT NULL,
	"value" double precision NOT NULL,
	"unit" text NOT NULL,
	"uncertainty" double precision,
	"uncertainty_basis" text NOT NULL,
	"original_value" double precision NOT NULL,
	"original_unit" text NOT NULL,
	"original_uncertainty" double precision,
	"coverage_factor" double precision,
	"replicates" jsonb,
	"resolution" double precision,
	"method" text,
	"instrument" text,
	"time_on_test_h" double precision,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"measured_at" timestamp with time zone,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"operator" text,
	"origin" text NOT NULL,
	"source_id" text,
	"run_id" text,
	"step_key" text,
	"structure_id" text,
	CONSTRAINT "measurements_uncertainty_ck" CHECK ("measurements"."uncertainty" is null or "measurements"."uncertainty" >= 0),
	CONSTRAINT "measurements_uncertainty_basis_ck" CHECK (("measurements"."uncertainty" is null) = ("measurements"."uncertainty_basis" = 'unstated') and "measurements"."uncertainty_basis" in ('given', 'replicates', 'resolution', 'replicates+resolution', 'unstated')),
	CONSTRAINT "measurements_time_on_test_ck" CHECK ("measurements"."time_on_test_h" is null or "measurements"."time_on_test_h" >= 0),
	CONSTRAINT "measurements_origin_ck" CHECK ("measurements"."origin" in ('measured-here', 'alliance-history', 'literature'))
);
--> statement-breakpoint
CREATE TABLE "recipe_components" (
	"recipe_id" text NOT NULL,
	"position" integer NOT NULL,
	"role" text NOT NULL,
	"monomer_id" text,
	"chemical_id" text,
	"fraction" double precision,
	"fraction_basis" text,
	"concentration" double precision,
	"concentration_unit" text,
	CONSTRAINT "recipe_components_recipe_id_position_pk" PRIMARY KEY("recipe_id","position"),
	CONSTRAINT "recipe_components_reference_ck" CHECK (("recipe_components"."role" in ('monomer', 'crosslinker') and "recipe_components"."monomer_id" is not null and "recipe_components"."chemical_id" is null) or ("recipe_components"."role" not in ('monomer', 'crosslinker') and "recipe_components"."chemical_id" is not null and "recipe_components"."monomer_id" is null)),
	CONSTRAINT "recipe_components_fraction_ck" CHECK ("recipe_components"."fraction" is null or ("recipe_components"."fraction" > 0 and "recipe_components"."fraction" <= 1))
);
--> statement-breakpoint
CREATE TABLE "recipes" (
	"id" text PRIMARY KEY NOT NULL,
	"content_hash" text NOT NULL,
	"content" jsonb NOT NULL,
	"name" text,
	"medium" text,
	"monomer_concentration" double precision,
	"monomer_concentration_unit" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recipes_content_hash_unique" UNIQUE("content_hash")
);
--> statement-breakpoint
CREATE TABLE "structure_records" (
	"id" text PRIMARY KEY NOT NULL,
	"sample_id" text NOT NULL,
	"sha256" text NOT NULL,
	"kind" text NOT NULL,
	"media_type" text NOT NULL,
	"file_name" text,
	"instrument" text,
	"facility" text,
	"x_quantity" text,
	"x_unit" text,
	"y_quantity" text,
	"y_unit" text,
	"x_min" double precision,
	"x_max" double precision,
	"points" integer,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"measured_at" timestamp with time zone,
	"operator" text,
	"origin" text DEFAULT 'measured-here' NOT NULL,
	"source_id" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "structure_records_origin_ck" CHECK ("structure_records"."origin" in ('measured-here', 'alliance-history', 'literature'))
);
--> statement-breakpoint
ALTER TABLE "base_polymers" ADD COLUMN "catalogue_ref" text;--> statement-breakpoint
ALTER TABLE "base_polymers" ADD COLUMN "catalogue_fields" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "monomers" ADD COLUMN "cas" text;--> statement-breakpoint
ALTER TABLE "monomers" ADD COLUMN "catalogue_ref" text;--> statement-breakpoint
ALTER TABLE "monomers" ADD COLUMN "catalogue_fields" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reagent_lots" ADD COLUMN "base_material_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "recipe_id" text;--> statement-breakpoint
ALTER TABLE "samples" ADD COLUMN "base_material_id" text;--> statement-breakpoint
ALTER TABLE "samples" ADD COLUMN "origin" text DEFAULT 'measured-here' NOT NULL;--> statement-breakpoint
ALTER TABLE "samples" ADD COLUMN "source_id" text;--> statement-breakpoint
ALTER TABLE "base_materials" ADD CONSTRAINT "base_materials_polymer_id_base_polymers_id_fk" FOREIGN KEY ("polymer_id") REFERENCES "public"."base_polymers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "irradiations" ADD CONSTRAINT "irradiations_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "irradiations" ADD CONSTRAINT "irradiations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_source_id_data_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."data_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_structure_id_structure_records_id_fk" FOREIGN KEY ("structure_id") REFERENCES "public"."structure_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipe_components" ADD CONSTRAINT "recipe_components_recipe_id_recipes_id_fk" FOREIGN KEY ("recipe_id") REFERENCES "public"."recipes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipe_components" ADD CONSTRAINT "recipe_components_monomer_id_monomers_id_fk" FOREIGN KEY ("monomer_id") REFERENCES "public"."monomers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipe_components" ADD CONSTRAINT "recipe_components_chemical_id_chemicals_id_fk" FOREIGN KEY ("chemical_id") REFERENCES "public"."chemicals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "structure_records" ADD CONSTRAINT "structure_records_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "structure_records" ADD CONSTRAINT "structure_records_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "structure_records" ADD CONSTRAINT "structure_records_source_id_data_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."data_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "base_materials_polymer_idx" ON "base_materials" USING btree ("polymer_id");--> statement-breakpoint
CREATE INDEX "irradiations_sample_idx" ON "irradiations" USING btree ("sample_id");--> statement-breakpoint
CREATE INDEX "measurements_sample_property_idx" ON "measurements" USING btree ("sample_id","property","time_on_test_h");--> statement-breakpoint
CREATE INDEX "measurements_run_idx" ON "measurements" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "recipe_components_monomer_idx" ON "recipe_components" USING btree ("monomer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "structure_records_sample_sha_uq" ON "structure_records" USING btree ("sample_id","sha256");--> statement-breakpoint
CREATE INDEX "structure_records_sha_idx" ON "structure_records" USING btree ("sha256");--> statement-breakpoint
ALTER TABLE "reagent_lots" ADD CONSTRAINT "reagent_lots_base_material_id_base_materials_id_fk" FOREIGN KEY ("base_material_id") REFERENCES "public"."base_materials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_recipe_id_recipes_id_fk" FOREIGN KEY ("recipe_id") REFERENCES "public"."recipes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_base_material_id_base_materials_id_fk" FOREIGN KEY ("base_material_id") REFERENCES "public"."base_materials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_source_id_data_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."data_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "samples_base_material_idx" ON "samples" USING btree ("base_material_id");--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_origin_ck" CHECK ("samples"."origin" in ('measured-here', 'alliance-history', 'literature'));--> statement-breakpoint
-- Data carried over from 0000 (nothing is dropped before it has a new home). Float text must be the shortest exact
-- form, as JavaScript writes numbers, for the identity keys below to equal the ones the repositories compute.
SET LOCAL extra_float_digits = 1;
--> statement-breakpoint
-- 1. Each base_polymers row described one substrate. Its thickness, crystallinity, density and (when a lab run stored
-- the form as the class) its form move to a base material of that polymer; id = 'bm-' + sha256(identity key)[0:16],
-- the key being the canonical JSON MaterialsRepository.upsertBaseMaterial computes.
INSERT INTO "base_materials" ("id", "polymer_id", "identity_key", "name", "form", "thickness_um", "crystallinity", "density_g_cm3", "created_at")
SELECT 'bm-' || left(encode(sha256(convert_to(k.identity_key, 'UTF8')), 'hex'), 16), k.polymer_id, k.identity_key,
       CASE WHEN k.form IS NULL THEN k.name ELSE k.name || ' ' || btrim(k.class) END,
       k.form, k.thickness_um, k.crystallinity, k.density_g_cm3, k.created_at
FROM (
  SELECT l.*,
         '{"basisWeightGM2":null,"form":' || coalesce(to_json(l.form)::text, 'null') || ',"polymerId":' || to_json(l.polymer_id)::text
           || ',"supplier":null,"supplierLot":null,"thicknessUm":' || coalesce(l.thickness_um::text, 'null') || '}' AS identity_key
  FROM (
    SELECT bp."id" AS polymer_id, bp."name", bp."class", bp."thickness_um", bp."crystallinity", bp."density_g_cm3", bp."created_at",
           CASE lower(btrim(bp."class"))
             WHEN 'film' THEN 'film' WHEN 'films' THEN 'film'
             WHEN 'nonwoven' THEN 'nonwoven' WHEN 'non-woven' THEN 'nonwoven' WHEN 'fabric' THEN 'nonwoven'
             WHEN 'fibre' THEN 'fibre' WHEN 'fiber' THEN 'fibre' WHEN 'fibres' THEN 'fibre' WHEN 'fibers' THEN 'fibre'
             WHEN 'powder' THEN 'powder' WHEN 'membrane' THEN 'membrane'
           END AS form
    FROM "base_polymers" bp
  ) l
) k;
--> statement-breakpoint
UPDATE "samples" s SET "base_material_id" = bm."id" FROM "base_materials" bm WHERE bm."polymer_id" = s."base_polymer_id";
--> statement-breakpoint
UPDATE "reagent_lots" l SET "base_material_id" = bm."id" FROM "base_materials" bm WHERE bm."polymer_id" = l."base_polymer_id";
--> statement-breakpoint
-- The form now lives on the base material (named "<polymer> <form as written>"), so the class no longer holds it.
UPDATE "base_polymers" SET "class" = NULL
WHERE lower(btrim("class")) IN ('film', 'films', 'nonwoven', 'non-woven', 'fabric', 'fibre', 'fiber', 'fibres', 'fibers', 'powder', 'membrane');
--> statement-breakpoint
-- 2. A run's single monomer becomes a one-component recipe (fraction 1, mole basis), content-addressed as
-- RecipesRepository.upsert does: id = 'rcp-' + sha256(canonical content)[0:16].
INSERT INTO "recipes" ("id", "content_hash", "content", "name")
SELECT 'rcp-' || left(h.hash, 16), h.hash, h.content::jsonb, m."name"
FROM (
  SELECT c.monomer_id, c.content, encode(sha256(convert_to(c.content, 'UTF8')), 'hex') AS hash
  FROM (
    SELECT DISTINCT r."monomer_id" AS monomer_id,
           '{"components":[{"fraction":1,"fractionBasis":"mol","monomerId":' || to_json(r."monomer_id")::text || ',"role":"monomer"}]}' AS content
    FROM "runs" r WHERE r."monomer_id" IS NOT NULL
  ) c
) h
JOIN "monomers" m ON m."id" = h.monomer_id;
--> statement-breakpoint
INSERT INTO "recipe_components" ("recipe_id", "position", "role", "monomer_id", "fraction", "fraction_basis")
SELECT r."id", 1, 'monomer', r."content"->'components'->0->>'monomerId', 1, 'mol' FROM "recipes" r;
--> statement-breakpoint
UPDATE "runs" SET "recipe_id" = r."id" FROM "recipes" r WHERE r."content"->'components'->0->>'monomerId' = "runs"."monomer_id";
--> statement-breakpoint
-- 3. Rows loaded by `graftlab import` before provenance was recorded: alliance history (what the command was for),
-- citing a source that says so.
INSERT INTO "data_sources" ("id", "content_hash", "origin", "note")
SELECT 'src-' || left(h.hash, 16), h.hash, 'alliance-history', h.note
FROM (
  SELECT encode(sha256(convert_to(c.content, 'UTF8')), 'hex') AS hash, c.note
  FROM (
    SELECT '{"citation":null,"doi":null,"lab":null,"note":' || to_json(n.note)::text || ',"origin":"alliance-history","reportedOn":null}' AS content, n.note
    FROM (SELECT 'imported by graftlab import before provenance was recorded (schema 0000); origin assumed alliance-history'::text AS note) n
  ) c
) h
WHERE EXISTS (SELECT 1 FROM "samples" WHERE "imported");
--> statement-breakpoint
UPDATE "samples" SET "origin" = 'alliance-history',
  "source_id" = (SELECT ds."id" FROM "data_sources" ds WHERE ds."origin" = 'alliance-history' AND ds."doi" IS NULL AND ds."note" LIKE 'imported by graftlab import before provenance%')
WHERE "imported";
--> statement-breakpoint
-- 4. What measure steps recorded becomes measurements: value, unit and the operator's uncertainty from the confirmed
-- journal entry (its read-back), instrument and conditions from the step in the protocol version the run used. The id
-- is MeasurementsRepository's for (run, step, sample, property), so the engine writing the same value later collides.
-- Property names and unit factors are the catalogue's as of this migration. An uncertainty of 0 or none was the
-- engine's "not entered": it becomes unstated (the entered number is kept as original_uncertainty). Values in a unit
-- not listed here stay where they are (readings, results) and get no measurement.
INSERT INTO "measurements" ("id", "sample_id", "property", "value", "unit", "uncertainty", "uncertainty_basis", "original_value", "original_unit", "original_uncertainty", "instrument", "conditions", "measured_at", "operator", "origin", "run_id", "step_key")
SELECT 'msr-' || left(encode(sha256(convert_to('[' || to_json(x.run_id)::text || ',' || to_json(x.step_key)::text || ',' || to_json(x.sample_id)::text || ',' || to_json(x.property)::text || ']', 'UTF8')), 'hex'), 32),
       x.sample_id, x.property, x.value * f.factor, a.unit,
       CASE WHEN x.u > 0 THEN x.u * f.factor END,
       CASE WHEN x.u > 0 THEN 'given' ELSE 'unstated' END,
       x.value, x.unit, x.u,
       x.step_doc->>'instrument',
       CASE WHEN jsonb_typeof(x.step_doc->'conditions') = 'string' THEN jsonb_build_object('note', x.step_doc->'conditions')
            WHEN jsonb_typeof(x.step_doc->'conditions') = 'object' THEN x.step_doc->'conditions'
            ELSE '{}'::jsonb END,
       x.measured_at, x.operator, s."origin", x.run_id, x.step_key
FROM (
  SELECT j."run_id" AS run_id, j."sample_id" AS sample_id, base.step_key,
         (j."read_back"->>'value')::double precision AS value,
         CASE WHEN jsonb_typeof(j."read_back"->'uncertainty') = 'number' THEN (j."read_back"->>'uncertainty')::double precision END AS u,
         btrim(coalesce(j."request"->>'unit', j."request"->'action'->>'unit', '')) AS unit,
         coalesce(j."finished_at", j."updated_at") AS measured_at,
         j."read_back"->>'by' AS operator,
         lower(regexp_replace(btrim(coalesce(j."request"->'action'->>'property', '')), '[-\s]+', '_', 'g')) AS property_name,
         lower(regexp_replace(btrim(coalesce(j."request"->>'record', '')), '[-\s]+', '_', 'g')) AS record_name,
         jsonb_path_query_first(pv."document", 'strict $.** ? (@.type == "measure" && @.key == $k)', jsonb_build_object('k', base.step_key)) AS step_doc,
         coalesce(pa.property, ra.property) AS property
  FROM "step_journal" j
  CROSS JOIN LATERAL (SELECT left(j."step_key", length(j."step_key") - length(j."sample_id") - 1) AS step_key) base
  JOIN "runs" r ON r."id" = j."run_id"
  LEFT JOIN "protocol_versions" pv ON pv."protocol_id" = r."protocol_id" AND pv."version" = r."protocol_version"
  LEFT JOIN (VALUES
      ('degree_of_grafting', 'degree_of_grafting'), ('dg', 'degree_of_grafting'), ('degreeofgrafting', 'degree_of_grafting'),
      ('ion_exchange_capacity', 'ion_exchange_capacity'), ('iec', 'ion_exchange_capacity'), ('ionexchangecapacity', 'ion_exchange_capacity'),
      ('conductivity', 'conductivity'), ('sigma', 'conductivity'), ('σ', 'conductivity'), ('ionic_conductivity', 'conductivity'),
      ('conductivity_retained', 'conductivity_retained'), ('conductivityretained', 'conductivity_retained'),
      ('water_uptake', 'water_uptake'), ('wu', 'water_uptake'), ('wateruptake', 'water_uptake'),
      ('swelling', 'swelling'), ('swelling_ratio', 'swelling'), ('swellingratio', 'swelling'),
      ('tensile_strength', 'tensile_strength'), ('tensilestrength', 'tensile_strength'),
      ('elongation_at_break', 'elongation_at_break'), ('elongationatbreak', 'elongation_at_break'), ('elongation', 'elongation_at_break'),
      ('adsorption_capacity', 'adsorption_capacity'), ('adsorptioncapacity', 'adsorption_capacity'),
      ('domain_spacing', 'domain_spacing'), ('domainspacing', 'domain_spacing'), ('d_spacing', 'domain_spacing'),
      ('correlation_length', 'correlation_length'), ('correlationlength', 'correlation_length'),
      ('crystallinity', 'crystallinity')
    ) AS pa(alias, property) ON pa.alias = lower(regexp_replace(btrim(coalesce(j."request"->'action'->>'property', '')), '[-\s]+', '_', 'g'))
  LEFT JOIN (VALUES
      ('degree_of_grafting', 'degree_of_grafting'), ('dg', 'degree_of_grafting'), ('degreeofgrafting', 'degree_of_grafting'),
      ('ion_exchange_capacity', 'ion_exchange_capacity'), ('iec', 'ion_exchange_capacity'), ('ionexchangecapacity', 'ion_exchange_capacity'),
      ('conductivity', 'conductivity'), ('sigma', 'conductivity'), ('σ', 'conductivity'), ('ionic_conductivity', 'conductivity'),
      ('conductivity_retained', 'conductivity_retained'), ('conductivityretained', 'conductivity_retained'),
      ('water_uptake', 'water_uptake'), ('wu', 'water_uptake'), ('wateruptake', 'water_uptake'),
      ('swelling', 'swelling'), ('swelling_ratio', 'swelling'), ('swellingratio', 'swelling'),
      ('tensile_strength', 'tensile_strength'), ('tensilestrength', 'tensile_strength'),
      ('elongation_at_break', 'elongation_at_break'), ('elongationatbreak', 'elongation_at_break'), ('elongation', 'elongation_at_break'),
      ('adsorption_capacity', 'adsorption_capacity'), ('adsorptioncapacity', 'adsorption_capacity'),
      ('domain_spacing', 'domain_spacing'), ('domainspacing', 'domain_spacing'), ('d_spacing', 'domain_spacing'),
      ('correlation_length', 'correlation_length'), ('correlationlength', 'correlation_length'),
      ('crystallinity', 'crystallinity')
    ) AS ra(alias, property) ON ra.alias = lower(regexp_replace(btrim(coalesce(j."request"->>'record', '')), '[-\s]+', '_', 'g'))
  WHERE j."request"->'action'->>'kind' = 'measure'
    AND j."state" IN ('confirmed', 'settled')
    AND j."sample_id" IS NOT NULL
    AND right(j."step_key", length(j."sample_id") + 1) = '/' || j."sample_id"
    AND jsonb_typeof(j."read_back"->'value') = 'number'
) x
JOIN "samples" s ON s."id" = x.sample_id
JOIN (VALUES
    ('degree_of_grafting', '%'), ('ion_exchange_capacity', 'mmol/g'), ('conductivity', 'mS/cm'), ('conductivity_retained', '1'),
    ('water_uptake', '%'), ('swelling', '%'), ('tensile_strength', 'MPa'), ('elongation_at_break', '%'),
    ('adsorption_capacity', 'mmol/g'), ('domain_spacing', 'nm'), ('correlation_length', 'nm'), ('crystallinity', '1')
  ) AS a(property, unit) ON a.property = x.property
JOIN (VALUES
    ('%', '%', 1::double precision), ('%', 'wt%', 1), ('1', '1', 1), ('1', 'fraction', 1), ('1', '%', 0.01),
    ('mmol/g', 'mmol/g', 1), ('mmol/g', 'meq/g', 1), ('mmol/g', 'mol/kg', 1),
    ('mS/cm', 'mS/cm', 1), ('mS/cm', 'S/cm', 1000), ('mS/cm', 'S/m', 10), ('mS/cm', 'mS/m', 0.01),
    ('MPa', 'MPa', 1), ('MPa', 'GPa', 1000), ('MPa', 'kPa', 0.001), ('MPa', 'N/mm^2', 1), ('MPa', 'N/mm2', 1),
    ('nm', 'nm', 1), ('nm', 'Å', 0.1), ('nm', 'angstrom', 0.1)
  ) AS f(canonical, from_unit, factor) ON f.canonical = a.unit AND f.from_unit = x.unit
ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
ALTER TABLE "base_polymers" DROP COLUMN "thickness_um";--> statement-breakpoint
ALTER TABLE "base_polymers" DROP COLUMN "crystallinity";--> statement-breakpoint
ALTER TABLE "base_polymers" DROP COLUMN "density_g_cm3";
