import { z } from 'zod';
import { materialsSchema } from './materials.schema';
import { parameterSchema } from './parameters.schema';
import { PROTOCOL_SCHEMA_VERSION } from './protocol.versions';
import { qty, text, valueName } from './quantity.schema';
import { stepSchema } from './steps.schema';

const event = z
  .string({ error: 'expected a step event such as "irradiate.end"' })
  .regex(/^[a-z][a-z0-9-]*\.(start|end)$/, { message: 'expected "<stepKey>.start" or "<stepKey>.end"' });

/** Autoprotocol-style time constraint between two step events, enforced by the engine. */
export const timeWindowSchema = z
  .object({
    from: event,
    to: event,
    min: qty('time', { min: '0 s', max: '365 d' }).optional(),
    max: qty('time', { min: '0 s', max: '365 d' }).optional(),
    onViolation: z.enum(['invalidate-sample', 'abort-run', 'ask-operator']).default('invalidate-sample'),
    /** The window does not apply while the sample is stored at or below this temperature. */
    exemptIfStoredAtOrBelow: qty('temperature', { min: '-196 °C', max: '25 °C' }).optional(),
    reason: text(500).optional(),
  })
  .strict();

export const outputSchema = z
  .object({
    name: valueName,
    /** Expression over recorded values and parameters, e.g. "(W_g - W_0) / W_0 * 100". */
    expression: z.string().min(1).max(500),
    /** Unit the value is reported in: a label such as "%" for a plain number, or a unit to convert to. */
    unit: z.string().max(40).optional(),
    description: text(500).optional(),
  })
  .strict();

/** The protocol's own limits; the lab inventory's apply too and the stricter one wins. */
export const protocolSafetySchema = z
  .object({
    maxDosePerSample: qty('dose', { gt: '0 kGy', max: '2000 kGy' }).optional(),
    maxDosePerRun: qty('dose', { gt: '0 kGy', max: '100000 kGy' }).optional(),
    o2Max: qty('gasFraction', { gt: '0 ppm', max: '10000 ppm' }).optional(),
    minPurge: qty('time', { min: '0 s', max: '24 h' }).optional(),
    flashPointMargin: qty('temperatureDelta', { min: '0 K', max: '100 K' }).optional(),
    maxTemperature: qty('temperature', { min: '-196 °C', max: '400 °C' }).optional(),
    requireDoorClosed: z.literal(true).default(true),
    /**
     * Allows heating above (flash point − margin) only in a vessel purged with N2/Ar to the O₂ limit
     * before the heat step; the engine keeps it inert. Without it, the flash-point rule is absolute.
     */
    inertAboveFlashPoint: z.boolean().default(false),
  })
  .strict();

export const protocolSchema = z
  .object({
    $schema: z.string().max(500).optional(),
    schemaVersion: z.literal(PROTOCOL_SCHEMA_VERSION, {
      error: `expected schemaVersion "${PROTOCOL_SCHEMA_VERSION}"`,
    }),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected an id of lower-case letters, digits and dashes' })
      .max(100),
    version: z
      .string()
      .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, {
        message: 'expected a semantic version such as "1.0.0"',
      }),
    title: text(300),
    description: text(5000).optional(),
    authors: z.array(text(200)).min(1).max(50),
    method: z.enum(['pre-irradiation', 'simultaneous']),
    /** Samples processed together in one run (dose per run = dose per sample × samples). */
    sampleCount: z.number().int().min(1).max(48).default(1),
    materials: materialsSchema,
    parameters: z.array(parameterSchema).max(50).default([]),
    steps: z.array(stepSchema).min(1).max(500),
    outputs: z.array(outputSchema).max(50).default([]),
    timeWindows: z.array(timeWindowSchema).max(100).default([]),
    safety: protocolSafetySchema.default({ requireDoorClosed: true, inertAboveFlashPoint: false }),
  })
  .strict();

/** A validated protocol (defaults applied). */
export type Protocol = z.output<typeof protocolSchema>;
/** A protocol as written (defaults optional). */
export type ProtocolInput = z.input<typeof protocolSchema>;
export type TimeWindowInput = z.output<typeof timeWindowSchema>;
export type Output = z.output<typeof outputSchema>;
export type ProtocolSafety = z.output<typeof protocolSafetySchema>;
