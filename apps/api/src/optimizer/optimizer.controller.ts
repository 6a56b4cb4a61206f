import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STRATEGIES, suggest, type SuggestRequest, type SuggestResponse } from '@graftlab/optimizer';
import { checkShape, DocumentError } from '@graftlab/validation';
import { Roles } from '../auth/roles.decorator';
import { SUGGEST_RESPONSE_SCHEMA } from '../common/openapi.schemas';

const PARAMETER: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      required: ['name', 'type', 'min', 'max'],
      properties: {
        name: { type: 'string' },
        type: { type: 'string', enum: ['number'] },
        min: { type: 'number' },
        max: { type: 'number' },
        unit: { type: 'string' },
        scale: {
          type: 'string',
          enum: ['linear', 'log'],
          description: "'log' (min > 0): sampled and modelled by ratio (dose, time, concentration)",
        },
      },
    },
    {
      type: 'object',
      required: ['name', 'type', 'choices'],
      properties: {
        name: { type: 'string' },
        type: { type: 'string', enum: ['categorical'] },
        choices: { type: 'array', items: { type: 'string' } },
        descriptors: {
          type: 'object',
          additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
          description:
            'numeric descriptors per choice (the same names for each): the models see a choice through them, e.g. {"ETFE": {"radicalYield": 0.9}, "PVDF": {"radicalYield": 1.6}}',
        },
      },
    },
  ],
};

export const OBJECTIVE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['targets'],
  properties: {
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'mode'],
        properties: {
          name: { type: 'string', example: 'degreeOfGrafting' },
          mode: { type: 'string', enum: ['max', 'min', 'match'] },
          value: { type: 'number', description: 'for match' },
          weight: { type: 'number' },
          transform: { type: 'string', enum: ['none', 'log1p'] },
        },
      },
    },
    costs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          parameter: { type: 'string', example: 'dose' },
          weight: { type: 'number', example: 0.1 },
        },
      },
    },
    pareto: {
      type: 'boolean',
      description:
        'targets as a Pareto set (each max or min): expected hypervolume improvement (qNEHVI-style); costs become objectives to minimize',
    },
    constraints: {
      type: 'array',
      description: 'outcome constraints, e.g. {"name":"waterUptake","max":80}',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', example: 'waterUptake' },
          min: { type: 'number' },
          max: { type: 'number', example: 80 },
          transform: { type: 'string', enum: ['none', 'log1p'] },
        },
      },
    },
  },
};

export const PARAMETERS_SCHEMA: SchemaObject = { type: 'array', items: PARAMETER };

/** graftlab's optimizer from outside: the stateless ask of the ask/tell contract (issue #7). */
@ApiTags('optimizer')
@Controller('api/optimizer')
export class OptimizerController {
  @Post('suggest')
  @HttpCode(200)
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      'Next batch of experiments from a search space and the observations so far (same seed and inputs → same candidates)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['space', 'observations', 'batchSize'],
      properties: {
        space: {
          type: 'object',
          required: ['parameters', 'objective'],
          properties: { parameters: PARAMETERS_SCHEMA, objective: OBJECTIVE_SCHEMA },
        },
        observations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['params', 'status'],
            properties: {
              params: { type: 'object', additionalProperties: true },
              outputs: { type: 'object', additionalProperties: { type: 'number' } },
              uncertainty: { type: 'object', additionalProperties: { type: 'number' } },
              status: { type: 'string', enum: ['completed', 'failed', 'pending'] },
              reason: { type: 'string' },
            },
          },
        },
        batchSize: { type: 'integer', minimum: 1, maximum: 100 },
        seed: { type: 'integer' },
        strategy: { type: 'string', enum: [...STRATEGIES] },
        groupBy: {
          type: 'array',
          items: { type: 'string' },
          description: 'parameters the whole batch shares',
        },
      },
    },
  })
  @ApiOkResponse({
    description: '{"candidates":[{"params":{...},"acquisitionValue":0.12}], "modelVersion", "strategy"}',
    schema: SUGGEST_RESPONSE_SCHEMA,
  })
  @ApiUnprocessableEntityResponse({
    description: 'invalid space or observations; `pointer` locates the problem',
  })
  suggest(@Body() body: unknown): SuggestResponse {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new DocumentError([
        { pointer: '', message: 'expected a JSON object {space, observations, batchSize, seed}' },
      ]);
    checkShape(body);
    return suggest(body as SuggestRequest);
  }
}
