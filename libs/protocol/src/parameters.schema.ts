import { z } from 'zod';
import { PARAMETERS_SCHEMA_VERSION } from './protocol.versions';
import { text, valueName } from './quantity.schema';

const common = {
  name: valueName,
  title: text(200).optional(),
  description: text(1000).optional(),
  /** false keeps a parameter out of the optimizer's search space. */
  optimize: z.boolean().default(true),
};

const numberParameter = z
  .object({
    ...common,
    type: z.literal('number'),
    /** Unit of min, max, default and the values given at run time; omit for a plain number. */
    unit: z.string().min(1).max(40).optional(),
    min: z.number(),
    max: z.number(),
    default: z.number(),
    integer: z.boolean().default(false),
  })
  .strict();

const choiceParameter = z
  .object({
    ...common,
    type: z.literal('choice'),
    choices: z.array(text(100)).min(1).max(100),
    default: text(100),
  })
  .strict();

const booleanParameter = z.object({ ...common, type: z.literal('boolean'), default: z.boolean() }).strict();

const textParameter = z
  .object({
    ...common,
    type: z.literal('text'),
    default: z.string().max(1000),
    maxLength: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const parameterSchema = z
  .discriminatedUnion('type', [numberParameter, choiceParameter, booleanParameter, textParameter])
  .meta({
    id: 'Parameter',
    title: `graftlab protocol parameter ${PARAMETERS_SCHEMA_VERSION}`,
    'x-graftlab-schema-version': PARAMETERS_SCHEMA_VERSION,
  });

export type Parameter = z.output<typeof parameterSchema>;
export type NumberParameter = z.output<typeof numberParameter>;
/** A resolved parameter value. */
export type ParameterValue = number | string | boolean;
