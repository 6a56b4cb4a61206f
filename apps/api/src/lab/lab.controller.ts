import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import type { Inventory } from '@graftlab/inventory';
import { INVENTORY, KEYS, PromptBoard, REDIS } from '@graftlab/runtime';
import { AuditService } from '../audit/audit.service';
import { ANY_ROLE, CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import {
  anyObject,
  arrayOf,
  bool,
  int,
  nullable,
  num,
  obj,
  REASON_BODY,
  str,
} from '../common/openapi.schemas';

const DEVICE = obj(
  {
    id: str(),
    title: str(),
    driver: str(),
    role: str(),
    transport: str(),
    shared: bool('shared between stations (gamma cell, balance, robot)'),
    station: nullable(str()),
    status: nullable(
      obj(
        {
          deviceId: str(),
          state: str('ok, busy, alarm, offline; safe after an e-stop'),
          identity: str(),
          detail: anyObject('driver readings (temperature, flow, position, ...)'),
          at: int('ms since the epoch'),
          worker: str(),
          error: str(),
        },
        [],
        'last reported status snapshot',
      ),
    ),
  },
  ['id', 'driver', 'status'],
);
const STATION = obj(
  {
    id: str(),
    title: str(),
    devices: arrayOf(str()),
    vessel: anyObject(),
    worker: nullable(str('worker serving the station (null: none alive)')),
    queue: nullable({
      type: 'object',
      additionalProperties: int(),
      description: 'BullMQ job counts by state',
    }),
    currentRun: nullable(str()),
  },
  ['id', 'devices', 'worker', 'currentRun'],
);
const PROMPT = obj(
  {
    promptId: str(),
    runId: str(),
    stepKey: str(),
    message: str(),
    action: str(),
    since: int('ms since the epoch'),
  },
  ['promptId', 'runId', 'stepKey', 'message', 'since'],
);
import { RunsService } from '../runs/runs.service';

const estopSchema = z.object({ reason: z.string().max(1000).optional() }).strict();
const ackSchema = z
  .object({
    by: z.string().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
    value: z.number().optional(),
  })
  .strict();

/** The lab at a glance: devices, stations, operator prompts, and the e-stop. The API reads; workers act. */
@ApiTags('lab')
@Controller('api')
export class LabController {
  private readonly prompts: PromptBoard;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: RunsService,
    private readonly audit: AuditService,
  ) {
    this.prompts = new PromptBoard(redis);
  }

  @Post('estop')
  @HttpCode(202)
  @ApiOperation({ summary: 'E-stop: every device of the lab to its safe state at once; running runs abort' })
  @Roles('operator', 'scientist', 'safety-officer')
  @ApiBody({ schema: REASON_BODY, required: false })
  @ApiAcceptedResponse({
    schema: obj({ requested: bool(), workers: int('workers told to drive their devices safe') }, [
      'requested',
      'workers',
    ]),
  })
  async estop(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(estopSchema, body ?? {});
    const result = await this.runs.estop(b.reason ?? `e-stop by ${actor.name}`);
    await this.audit.record(actor, { action: 'estop', reason: b.reason });
    return result;
  }

  @Post('estop/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear a latched e-stop (devices stay safe until a run uses them)' })
  @Roles('safety-officer')
  @ApiOkResponse({ schema: obj({ active: bool() }, ['active']) })
  async resetEstop(@CurrentActor() actor: Actor) {
    await this.runs.resetEstop();
    await this.audit.record(actor, { action: 'estop.reset' });
    return { active: false };
  }

  @Get('lab')
  @ApiOperation({
    summary: 'The lab: id, title, safety limits and the clock speed (virtual lab) for countdowns',
  })
  @Roles(...ANY_ROLE)
  @ApiOkResponse({
    schema: obj(
      {
        id: str(),
        title: str(),
        clockSpeed: num('lab seconds per wall second (1 in a real lab)'),
        safety: anyObject('inventory safety limits (dose, O2, purge, flash point)'),
      },
      ['id', 'clockSpeed', 'safety'],
    ),
  })
  lab() {
    return {
      id: this.config.lab.id ?? this.inventory.id,
      title: this.inventory.title,
      clockSpeed: this.config.virtualLab.clockSpeed,
      safety: this.inventory.safety,
    };
  }

  @Get('estop')
  @ApiOperation({ summary: 'Whether an e-stop is latched' })
  @Roles(...ANY_ROLE)
  @ApiOkResponse({ schema: obj({ active: bool() }, ['active']) })
  async estopState() {
    return { active: await this.runs.estopActive() };
  }

  @Get('devices')
  @ApiOperation({ summary: 'Every device of the inventory with its last reported status' })
  @Roles(...ANY_ROLE)
  @ApiOkResponse({ schema: arrayOf(DEVICE) })
  async devices() {
    const snapshots = await this.redis.hgetall(KEYS.devices);
    return this.inventory.devices.map((d) => ({
      id: d.id,
      title: d.title,
      driver: d.driver,
      role: d.role,
      transport: d.transport,
      shared: this.inventory.shared.includes(d.id),
      station: this.inventory.stations.find((s) => s.devices.includes(d.id))?.id ?? null,
      status: snapshots[d.id] ? (JSON.parse(snapshots[d.id]) as Record<string, unknown>) : null,
    }));
  }

  @Get('stations')
  @ApiOperation({ summary: 'Stations: devices, the worker serving each, queue counts and the current run' })
  @Roles(...ANY_ROLE)
  @ApiOkResponse({ schema: arrayOf(STATION) })
  async stations() {
    const workers = Object.entries(await this.redis.hgetall(KEYS.workers)).map(([id, v]) => ({
      id,
      ...(JSON.parse(v) as { stations: string[]; at: number }),
    }));
    const running = await this.runs.list('running');
    return Promise.all(
      this.inventory.stations.map(async (s) => ({
        id: s.id,
        title: s.title,
        devices: s.devices,
        vessel: s.vessel,
        worker: workers.find((w) => w.stations.includes(s.id) && Date.now() - w.at < 30_000)?.id ?? null,
        queue: await this.runs.queueCounts(s.id).catch(() => null),
        currentRun: running.find((r) => r.station === s.id)?.id ?? null,
      })),
    );
  }

  @Get('prompts')
  @ApiOperation({ summary: 'Operator prompts waiting for an acknowledgement' })
  @Roles('operator', 'scientist', 'safety-officer')
  @ApiOkResponse({ schema: arrayOf(PROMPT) })
  prompts_() {
    return this.prompts.list();
  }

  @Post('prompts/:id/ack')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an operator prompt (optionally with a measured value)' })
  @Roles('operator', 'scientist', 'safety-officer')
  @ApiBody({
    schema: obj({ by: str('who (default: the token holder)'), note: str(), value: num('a measured value') }),
    required: false,
  })
  @ApiOkResponse({ schema: obj({ acknowledged: str() }, ['acknowledged']) })
  async ack(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(ackSchema, body ?? {});
    const ok = await this.prompts.answer(id, { by: b.by ?? actor.name, note: b.note, value: b.value });
    if (!ok) throw new NotFoundException(`no pending prompt ${id}`);
    await this.audit.record(actor, { action: 'prompt.acknowledge', target: id, reason: b.note });
    return { acknowledged: id };
  }
}
