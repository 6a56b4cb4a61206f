import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** Small builders for the JSON schemas in @ApiBody / @ApiOkResponse (the request bodies are validated by zod). */
export const str = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const num = (description?: string): SchemaObject => ({
  type: 'number',
  ...(description ? { description } : {}),
});
export const int = (description?: string): SchemaObject => ({
  type: 'integer',
  ...(description ? { description } : {}),
});
export const bool = (description?: string): SchemaObject => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});
export const dateTime = (description?: string): SchemaObject => str(description, { format: 'date-time' });
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
export const arrayOf = (items: SchemaObject, description?: string): SchemaObject => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});
export const anyObject = (description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: true,
  ...(description ? { description } : {}),
});
export function obj(
  properties: Record<string, SchemaObject>,
  required: string[] = [],
  description?: string,
): SchemaObject {
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    ...(description ? { description } : {}),
  };
}

/** Every error answer (HttpErrorsFilter): status, short error, one-line message; documents add pointers. */
export const ERROR_SCHEMA: SchemaObject = obj(
  {
    statusCode: int(),
    error: str(),
    message: str(),
    pointer: str('JSON pointer of the first problem (invalid documents)'),
    problems: arrayOf(obj({ pointer: str(), message: str() })),
  },
  ['statusCode', 'error', 'message'],
);

export const ROLE_SCHEMA: SchemaObject = str('role', {
  enum: ['scientist', 'operator', 'safety-officer', 'admin', 'instrument'],
});

export const ACTOR_SCHEMA: SchemaObject = obj(
  { id: str('token id'), name: str('who holds the token'), role: ROLE_SCHEMA },
  ['id', 'name', 'role'],
);

export const REASON_BODY: SchemaObject = obj({ reason: str('why (kept in the audit trail)') });

/** A campaign proposal with its provenance (model version, acquisition value, approval, run and result). */
export const SUGGESTION_SCHEMA: SchemaObject = obj({
  id: str(),
  batch: int(),
  params: anyObject('parameter values'),
  state: str('proposed, approved, rejected, queued, completed or failed'),
  modelVersion: nullable(str('optimizer model version')),
  acquisitionValue: nullable(num()),
  approvedBy: nullable(str()),
  approvedAt: nullable(dateTime()),
  reason: nullable(str()),
  runId: nullable(str()),
});

export const CAMPAIGN_VIEW_SCHEMA: SchemaObject = obj(
  {
    id: str(),
    state: str('active, paused, completed or stopped'),
    protocolId: str(),
    budget: int('experiments allowed'),
    batchSize: int(),
    progress: anyObject('experiments done, failed, running, awaiting approval'),
    best: nullable(anyObject('best result so far with its conditions')),
    suggestions: arrayOf(SUGGESTION_SCHEMA),
    pareto: nullable(
      obj(
        {
          objectives: arrayOf(
            obj({ name: str(), direction: str('max or min'), kind: str('output or parameter') }),
          ),
          constraints: arrayOf(obj({ name: str(), min: num(), max: num() })),
          points: arrayOf(
            obj({
              suggestionId: str(),
              experiment: nullable(int()),
              values: anyObject('objective values'),
              onFront: bool('on the front of the experiments meeting every constraint'),
              violates: arrayOf(str(), 'constrained outputs outside their bounds'),
            }),
          ),
        },
        ['objectives', 'constraints', 'points'],
        'with Pareto objectives or outcome constraints: the measured front',
      ),
    ),
  },
  ['id', 'state'],
  'a campaign with its progress, best result so far and every suggestion',
);

export const SUGGEST_RESPONSE_SCHEMA: SchemaObject = obj(
  {
    candidates: arrayOf(
      obj(
        {
          params: anyObject('parameter values inside the space'),
          acquisitionValue: num(),
          feasibility: num('with outcome constraints: P(meets every constraint)'),
        },
        ['params'],
      ),
    ),
    modelVersion: str(),
    strategy: str(
      'bayesian, bayesian-qnehvi (Pareto), bayesian-constrained (weighted sum with constraints), database-prior, random or space-filling',
    ),
  },
  ['candidates'],
);

/**
 * The OpenAPI schema of a request body, generated from the zod schema that validates it: the document and the
 * validation cannot drift apart. Descriptions come from the zod schema's `.describe()`.
 */
export function bodyOf(schema: z.ZodType): SchemaObject {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json.$schema;
  return json as SchemaObject;
}
