import {
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { desc } from 'drizzle-orm';
import { z } from 'zod';
import { protocolVersions, ProtocolsRepository, type GraftlabDb } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import { compileProtocol, parseProtocol, type ExecutionPlan } from '@graftlab/protocol';
import { DATABASE, INVENTORY } from '@graftlab/runtime';
import { DocumentError, type Problem } from '@graftlab/validation';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import {
  anyObject,
  arrayOf,
  bool,
  dateTime,
  ERROR_SCHEMA,
  int,
  nullable,
  num,
  obj,
  str,
} from '../common/openapi.schemas';

const approveSchema = z
  .object({ version: z.number().int().min(1).optional(), reason: z.string().max(1000).optional() })
  .strict();

const PROTOCOL_DOCUMENT = anyObject('protocol document (protocols/schema/protocol.schema.json)');
const PROBLEM = obj({ pointer: str('JSON pointer into the document'), message: str() }, [
  'pointer',
  'message',
]);
const PLAN_STEP = obj(
  {
    key: str(),
    type: str(),
    title: str(),
    station: nullable(str()),
    devices: arrayOf(str()),
    startOffsetS: num('seconds from the start of the run'),
    estimatedDurationS: num(),
    children: arrayOf(anyObject()),
  },
  ['key', 'type', 'startOffsetS', 'estimatedDurationS'],
);
const PLAN = obj(
  {
    protocol: anyObject(),
    steps: arrayOf(PLAN_STEP),
    totalDurationS: num(),
    dosePerSample: anyObject(),
    requiresApproval: bool('a dose above the lab approval limit: a safety officer submits the run'),
    timeWindows: arrayOf(anyObject()),
    safety: anyObject('the safety envelope the engine enforces'),
    hash: str(),
  },
  ['steps', 'totalDurationS', 'hash'],
  'execution plan with default parameters',
);
const SAVED = obj(
  { id: str(), version: int(), contentHash: str(), planHash: str(), estimatedDurationS: num() },
  ['id', 'version', 'contentHash', 'planHash', 'estimatedDurationS'],
);
const SUMMARY = obj(
  {
    id: str(),
    version: int(),
    title: str(),
    createdAt: dateTime(),
    createdBy: nullable(str()),
    approvedBy: nullable(str()),
    approvedAt: nullable(dateTime()),
  },
  ['id', 'version', 'title', 'createdAt'],
);

/** Protocols: validated and compiled with the same code as `graftlab validate` and `graftlab plan`. */
@ApiTags('protocols')
@Controller('api/protocols')
export class ProtocolsController {
  private readonly repo: ProtocolsRepository;

  constructor(
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    private readonly audit: AuditService,
  ) {
    this.repo = new ProtocolsRepository(db);
  }

  /**
   * Throws DocumentError (422, JSON pointers) for a document the lab must not run: the same compilation and
   * safety rules as admission (`POST /api/runs`), so the preview's verdict is the run's.
   */
  private compile(document: unknown): ExecutionPlan {
    return compileProtocol(parseProtocol(document), {}, this.inventory);
  }

  @Post()
  @Roles('scientist', 'safety-officer')
  @ApiOperation({
    summary:
      'Store a protocol (a new version when its content changed); refused with JSON pointers when invalid',
  })
  @ApiBody({ schema: PROTOCOL_DOCUMENT })
  @ApiCreatedResponse({ schema: SAVED })
  @ApiUnprocessableEntityResponse({
    description: 'invalid or unsafe, each problem with its pointer',
    schema: ERROR_SCHEMA,
  })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const plan = this.compile(body);
    const saved = await this.repo.saveVersion({
      protocolId: plan.protocol.id,
      name: plan.protocol.title,
      document: body as Record<string, unknown>,
      createdBy: actor.name,
    });
    return {
      id: saved.protocolId,
      version: saved.version,
      contentHash: saved.contentHash,
      planHash: plan.hash,
      estimatedDurationS: plan.totalDurationS,
    };
  }

  @Post('validate')
  @HttpCode(200)
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary: "Validate and plan a protocol without storing it (the dashboard's library preview)",
  })
  @ApiBody({ schema: PROTOCOL_DOCUMENT })
  @ApiOkResponse({
    schema: obj({ valid: bool(), problems: arrayOf(PROBLEM), plan: nullable(PLAN) }, [
      'valid',
      'problems',
      'plan',
    ]),
  })
  validate(@Body() body: unknown): {
    valid: boolean;
    problems: readonly Problem[];
    plan: ExecutionPlan | null;
  } {
    try {
      return { valid: true, problems: [], plan: this.compile(body) };
    } catch (e) {
      if (e instanceof DocumentError) return { valid: false, problems: e.problems, plan: null };
      throw e;
    }
  }

  @Get()
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: 'Stored protocols (latest version of each) with who wrote and who approved it' })
  @ApiOkResponse({ schema: arrayOf(SUMMARY) })
  async list() {
    const rows = await this.db.select().from(protocolVersions).orderBy(desc(protocolVersions.version));
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!latest.has(r.protocolId)) latest.set(r.protocolId, r);
    return [...latest.values()].map((p) => ({
      id: p.protocolId,
      version: p.version,
      title: (p.document as { title?: string }).title ?? p.protocolId,
      createdAt: p.createdAt,
      createdBy: p.createdBy,
      approvedBy: p.approvedBy,
      approvedAt: p.approvedAt,
    }));
  }

  @Get(':id')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: 'A protocol document, its approval and its plan with default parameters' })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({
    schema: obj(
      {
        id: str(),
        version: int(),
        document: PROTOCOL_DOCUMENT,
        createdBy: nullable(str()),
        approvedBy: nullable(str()),
        approvedAt: nullable(dateTime()),
        plan: PLAN,
      },
      ['id', 'version', 'document', 'plan'],
    ),
  })
  async get(@Param('id') id: string, @Query('version') version?: string) {
    const stored = await this.repo.version(id, version ? Number(version) : undefined);
    if (!stored) throw new NotFoundException(`protocol ${id} not found`);
    const plan = compileProtocol(parseProtocol(stored.document), {}, this.inventory);
    return {
      id,
      version: stored.version,
      document: stored.document,
      createdBy: stored.createdBy,
      approvedBy: stored.approvedBy,
      approvedAt: stored.approvedAt,
      plan,
    };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('safety-officer')
  @ApiOperation({
    summary: 'Approve (sign) a protocol version: a safety officer other than its author (two-person rule)',
    description: 'The approval is recorded in the audit trail with the content hash it covers.',
  })
  @ApiBody({
    schema: obj({ version: int('default: the latest'), reason: str('kept in the audit trail') }),
    required: false,
  })
  @ApiOkResponse({
    schema: obj(
      { id: str(), version: int(), contentHash: str(), approvedBy: str(), approvedAt: dateTime() },
      ['id', 'version', 'contentHash', 'approvedBy', 'approvedAt'],
    ),
  })
  @ApiConflictResponse({ description: 'already approved', schema: ERROR_SCHEMA })
  async approve(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(approveSchema, body ?? {});
    const stored = await this.repo.version(id, b.version);
    if (!stored)
      throw new NotFoundException(`protocol ${id}${b.version ? ` version ${b.version}` : ''} not found`);
    if (stored.createdBy && stored.createdBy === actor.name)
      throw new ForbiddenException(
        `two-person rule: ${actor.name} wrote ${id} version ${stored.version} and may not approve it`,
      );
    if (stored.approvedBy)
      throw new ConflictException(
        `${id} version ${stored.version} is already approved by ${stored.approvedBy}`,
      );
    const approved = await this.repo.approve(id, stored.version, actor.name);
    if (!approved) throw new NotFoundException(`protocol ${id} version ${stored.version} not found`);
    await this.audit.record(actor, {
      action: 'protocol.approve',
      target: `${id}@${stored.version}`,
      reason: b.reason,
      after: { version: stored.version, contentHash: stored.contentHash, author: stored.createdBy },
    });
    return {
      id,
      version: stored.version,
      contentHash: stored.contentHash,
      approvedBy: actor.name,
      approvedAt: approved.approvedAt,
    };
  }
}
