import { z } from 'zod';
import { MATERIALS_SCHEMA_VERSION } from './protocol.versions';
import { qty, reagentId, text } from './quantity.schema';

const baseMaterialSchema = z
  .object({
    name: text(200).describe('e.g. "PE/PP nonwoven fabric"'),
    polymer: text(100).describe('e.g. "PE", "ETFE", "PTFE"'),
    form: z.enum(['film', 'fabric', 'fiber', 'powder', 'membrane']),
    thickness: qty('length', { gt: '0 µm', max: '10 mm' }),
    lot: text(100),
    supplier: text(200).optional(),
  })
  .strict();

const monomerSchema = z
  .object({
    name: text(200),
    abbreviation: text(20).optional(),
    /** SMILES is checked for plausible characters only; the chemistry is the scientist's. */
    smiles: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[A-Za-z0-9@+\-[\]()=#$%/\\.:*]+$/, { message: 'expected a SMILES string' }),
    molarMass: qty('molarMass', { gt: '0 g/mol', max: '10000 g/mol' }),
    concentration: qty('massFraction', { gt: '0 wt%', max: '100 wt%' }).optional(),
    concentrationMolar: qty('concentration', { gt: '0 mol/L', max: '20 mol/L' }).optional(),
  })
  .strict();

const solventSchema = z
  .object({
    name: text(200),
    /** Flash point of the solvent; heating must stay below it minus the safety margin. */
    flashPoint: qty('temperature', { min: '-100 °C', max: '500 °C' }).optional(),
  })
  .strict();

const additiveSchema = z
  .object({
    name: text(200),
    concentration: qty('massFraction', { gt: '0 wt%', max: '100 wt%' }).optional(),
    concentrationMolar: qty('concentration', { gt: '0 mol/L', max: '20 mol/L' }).optional(),
  })
  .strict();

const reagentSchema = z
  .object({
    id: reagentId,
    name: text(200),
    description: text(1000).optional(),
    flashPoint: qty('temperature', { min: '-100 °C', max: '500 °C' }).optional(),
  })
  .strict();

export const materialsSchema = z
  .object({
    base: baseMaterialSchema,
    monomer: monomerSchema,
    solvent: solventSchema,
    surfactant: additiveSchema.optional(),
    inhibitor: additiveSchema.optional(),
    /** Solutions the steps dispense or ask an operator to fill, by id. */
    reagents: z.array(reagentSchema).max(50).default([]),
  })
  .strict()
  .meta({
    id: 'Materials',
    title: `graftlab protocol materials ${MATERIALS_SCHEMA_VERSION}`,
    'x-graftlab-schema-version': MATERIALS_SCHEMA_VERSION,
  });

export type Materials = z.output<typeof materialsSchema>;
