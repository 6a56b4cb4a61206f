import { storedPlanHash } from '@graftlab/protocol';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { RUN_STATES, type RunState } from '@graftlab/db';
import { AuditService } from '../audit/audit.service';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import {
  anyObject,
  arrayOf,
  bodyOf,
  bool,
  dateTime,
  int,
  nullable,
  num,
  obj,
  str,
} from '../common/openapi.schemas';

const RUN_SUMMARY = obj(
  {
    id: str(),
    state: str(),
    reason: nullable(str()),
    station: nullable(str()),
    protocolId: str(),
    priority: int(),
    createdAt: dateTime(),
    startedAt: nullable(dateTime()),
    finishedAt: nullable(dateTime()),
    campaignId: nullable(str()),
  },
  ['id', 'state', 'protocolId'],
);
const RUN_STEP = obj(
  {
    key: str(),
    type: str(),
    title: str(),
    state: str('planned, running, confirmed, uncertain, failed'),
    estimatedDurationS: num(),
    startOffsetS: num(),
    startedAt: nullable(dateTime()),
    finishedAt: nullable(dateTime()),
    commands: arrayOf(anyObject('journal row: command, attempt, state, device, request, read-back')),
    readings: arrayOf(
      obj({
        name: str(),
        value: num(),
        unit: nullable(str()),
        sampleId: nullable(str()),
        deviceId: nullable(str()),
        at: dateTime(),
      }),
    ),
  },
  ['key', 'type', 'state'],
);
const RUN_DETAIL = obj(
  {
    id: str(),
    state: str(),
    reason: nullable(str()),
    station: nullable(str()),
    protocol: obj({ id: str(), version: int(), hash: str() }),
    parameters: anyObject(),
    priority: int(),
    samples: arrayOf(str()),
    manifestHash: nullable(str()),
    createdAt: dateTime(),
    startedAt: nullable(dateTime()),
    finishedAt: nullable(dateTime()),
    estimatedDurationS: nullable(num()),
    plan: nullable({
      type: 'object',
      description: 'the compiled plan stored at admission, bound to its station',
    }),
    planHash: nullable(str('sha256 of the stored plan')),
    steps: arrayOf(RUN_STEP),
    transitions: arrayOf(obj({ stepKey: str(), from: nullable(str()), to: str(), at: dateTime() })),
    results: {
      type: 'object',
      additionalProperties: obj({
        value: num(),
        unit: nullable(str()),
        uncertainty: nullable(num()),
        sampleId: str(),
      }),
    },
    resultsBySample: { type: 'object', additionalProperties: arrayOf(anyObject()) },
  },
  ['id', 'state', 'steps', 'results'],
);
const RUN_CONTROL = obj({ id: str(), state: str(), requested: str() }, ['id', 'state']);
import { RunsService } from './runs.service';

const submitSchema = z
  .object({
    protocol: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('protocol document (protocols/schema/protocol.schema.json)'),
    protocolId: z.string().min(1).optional().describe('a stored protocol (its latest version)'),
    parameters: z.record(z.string(), z.unknown()).optional().describe('parameter values by name'),
    samples: z
      .array(z.string().min(1))
      .max(100)
      .optional()
      .describe('existing samples (default: one new film)'),
    priority: z.number().int().min(-1000).max(1000).optional().describe('higher first'),
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('a second submission returns the first run'),
  })
  .strict()
  .refine((b) => b.protocol !== undefined || b.protocolId !== undefined, {
    message: 'expected "protocol" or "protocolId"',
  });

const reasonSchema = z
  .object({
    reason: z.string().max(1000).optional().describe('kept in the audit trail'),
    mode: z.enum(['safe-point', 'now']).optional().describe('pause only: safe-point (default) or now'),
  })
  .strict();
const resumeSchema = z
  .object({
    resolution: z
      .enum(['done', 'redo'])
      .optional()
      .describe('for every uncertain step: done (the effect happened) or redo'),
    resolutions: z
      .record(z.string().min(1), z.enum(['done', 'redo']))
      .optional()
      .describe(
        'per uncertain step key: done or redo (e.g. a move that happened and an exposure that did not); overrides "resolution"',
      ),
  })
  .strict();

@ApiTags('runs')
@Controller('api/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Submit a run: a protocol (document or id), parameter values, samples, priority, idempotency key',
  })
  @ApiBody({ schema: bodyOf(submitSchema) })
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiCreatedResponse({
    description: 'queued (200 with created=false when the idempotency key was seen before)',
    schema: obj(
      {
        id: str(),
        state: str(),
        station: nullable(str()),
        created: bool(),
        planHash: str(
          'sha256 of the plan stored with the run (the worker refuses a plan that does not match)',
        ),
        compilationHash: str('hash of protocol, parameters, inventory, calibrations and plan date'),
        estimatedDurationS: num(),
      },
      ['id', 'state', 'created', 'planHash'],
    ),
  })
  async submit(
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor: Actor,
  ) {
    const request = parseBody(submitSchema, body);
    const { run, created, plan } = await this.runs.submit(request, {
      actor: actor.name,
      mayApproveDose: actor.role === 'safety-officer' || actor.role === 'admin',
    });
    if (created)
      await this.audit.record(actor, {
        action: 'run.submit',
        target: run.id,
        after: { protocolId: run.protocolId, parameters: run.parameterValues, station: run.station },
      });
    res.status(created ? 201 : 200);
    return {
      id: run.id,
      state: run.state,
      station: run.station,
      created,
      planHash: run.planHash ?? storedPlanHash(plan),
      compilationHash: plan.hash,
      estimatedDurationS: plan.totalDurationS,
    };
  }

  @Get()
  @Roles(...ANY_ROLE)
  @ApiOkResponse({ schema: arrayOf(RUN_SUMMARY) })
  @ApiOperation({ summary: 'List runs, optionally by state' })
  @ApiQuery({ name: 'state', required: false, enum: RUN_STATES })
  async list(@Query('state') state?: string) {
    if (state !== undefined && !RUN_STATES.includes(state as RunState)) {
      return parseBody(z.object({ state: z.enum(RUN_STATES) }), { state });
    }
    const runs = await this.runs.list(state as RunState | undefined);
    return runs.map((r) => ({
      id: r.id,
      state: r.state,
      reason: r.stateReason,
      station: r.station,
      protocolId: r.protocolId,
      priority: r.priority,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      campaignId: r.campaignId,
    }));
  }

  @Get(':id')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: 'A run: state, steps with their journal, readings and results by output name' })
  @ApiOkResponse({ description: 'run detail', schema: RUN_DETAIL })
  detail(@Param('id') id: string) {
    return this.runs.detail(id);
  }

  @Post(':id/pause')
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause at the next safe point (mode "safe-point", default) or now' })
  @ApiBody({ required: false, schema: bodyOf(reasonSchema) })
  @ApiAcceptedResponse({ schema: RUN_CONTROL })
  @Roles('operator', 'scientist', 'safety-officer')
  async pause(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(reasonSchema, body ?? {});
    const run = await this.runs.pause(id, b.mode ?? 'safe-point', b.reason ?? `paused by ${actor.name}`);
    await this.audit.record(actor, { action: 'run.pause', target: id, reason: b.reason });
    return { id: run.id, state: run.state, requested: 'pause' };
  }

  @Post(':id/resume')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Resume a paused run or one waiting for an operator (resolution for uncertain steps)',
  })
  @ApiBody({ required: false, schema: bodyOf(resumeSchema) })
  @ApiAcceptedResponse({ schema: RUN_CONTROL })
  @Roles('operator', 'scientist', 'safety-officer')
  async resume(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(resumeSchema, body ?? {});
    const run = await this.runs.resume(id, { all: b.resolution, byStep: b.resolutions });
    const said = [
      ...(b.resolution ? [`uncertain steps resolved as ${b.resolution}`] : []),
      ...Object.entries(b.resolutions ?? {}).map(([step, r]) => `${step} resolved as ${r}`),
    ];
    await this.audit.record(actor, {
      action: 'run.resume',
      target: id,
      reason: said.length ? said.join('; ') : undefined,
    });
    return { id: run.id, state: run.state };
  }

  @Post(':id/abort')
  @HttpCode(202)
  @ApiOperation({ summary: 'Abort: devices to their safe state, the run ends aborted with the reason' })
  @ApiBody({ required: false, schema: bodyOf(reasonSchema) })
  @ApiAcceptedResponse({ schema: RUN_CONTROL })
  @Roles('operator', 'scientist', 'safety-officer')
  async abort(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(reasonSchema, body ?? {});
    const run = await this.runs.abort(id, b.reason ?? `aborted by ${actor.name}`);
    await this.audit.record(actor, { action: 'run.abort', target: id, reason: b.reason });
    return { id: run.id, state: run.state, requested: 'abort' };
  }
}
