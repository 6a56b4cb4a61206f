import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import type { RunState } from '@graftlab/db';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import { RunsService } from './runs.service';

const RUN_STATES = [
  'queued',
  'running',
  'paused',
  'waiting-operator',
  'completed',
  'failed',
  'aborted',
] as const;

const submitSchema = z
  .object({
    protocol: z.record(z.string(), z.unknown()).optional(),
    protocolId: z.string().min(1).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    samples: z.array(z.string().min(1)).max(100).optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => b.protocol !== undefined || b.protocolId !== undefined, {
    message: 'expected "protocol" or "protocolId"',
  });

const reasonSchema = z
  .object({ reason: z.string().max(1000).optional(), mode: z.enum(['safe-point', 'now']).optional() })
  .strict();
const resumeSchema = z.object({ resolution: z.enum(['done', 'redo']).optional() }).strict();

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
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        protocol: {
          type: 'object',
          description: 'protocol document (protocols/schema/protocol.schema.json)',
        },
        protocolId: { type: 'string' },
        parameters: { type: 'object', additionalProperties: true },
        samples: { type: 'array', items: { type: 'string' } },
        priority: { type: 'integer', minimum: -1000, maximum: 1000 },
        idempotencyKey: { type: 'string' },
      },
    },
  })
  @Roles('scientist', 'operator', 'safety-officer')
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
      planHash: plan.hash,
      estimatedDurationS: plan.totalDurationS,
    };
  }

  @Get()
  @Roles('scientist', 'operator', 'safety-officer')
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
  @ApiOkResponse({ description: 'run detail' })
  detail(@Param('id') id: string) {
    return this.runs.detail(id);
  }

  @Post(':id/pause')
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause at the next safe point (mode "safe-point", default) or now' })
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
  @Roles('operator', 'scientist', 'safety-officer')
  async resume(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(resumeSchema, body ?? {});
    const run = await this.runs.resume(id, b.resolution);
    await this.audit.record(actor, {
      action: 'run.resume',
      target: id,
      reason: b.resolution ? `uncertain steps resolved as ${b.resolution}` : undefined,
    });
    return { id: run.id, state: run.state };
  }

  @Post(':id/abort')
  @HttpCode(202)
  @ApiOperation({ summary: 'Abort: devices to their safe state, the run ends aborted with the reason' })
  @Roles('operator', 'scientist', 'safety-officer')
  async abort(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(reasonSchema, body ?? {});
    const run = await this.runs.abort(id, b.reason ?? `aborted by ${actor.name}`);
    await this.audit.record(actor, { action: 'run.abort', target: id, reason: b.reason });
    return { id: run.id, state: run.state, requested: 'abort' };
  }
}
