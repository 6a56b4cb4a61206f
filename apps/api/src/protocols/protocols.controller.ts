import { Body, Controller, Get, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { desc } from 'drizzle-orm';
import { protocolVersions, ProtocolsRepository, type GraftlabDb } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import { checkSafety, compileProtocol, parseProtocol } from '@graftlab/protocol';
import { DATABASE, INVENTORY } from '@graftlab/runtime';
import { DocumentError } from '@graftlab/validation';

/** Protocols: validated and compiled with the same code as `graftlab validate` and `graftlab plan`. */
@ApiTags('protocols')
@Controller('api/protocols')
export class ProtocolsController {
  private readonly repo: ProtocolsRepository;

  constructor(
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(INVENTORY) private readonly inventory: Inventory,
  ) {
    this.repo = new ProtocolsRepository(db);
  }

  @Post()
  @ApiOperation({
    summary:
      'Store a protocol (a new version when its content changed); refused with JSON pointers when invalid',
  })
  async create(@Body() body: unknown) {
    const protocol = parseProtocol(body);
    const plan = compileProtocol(protocol, {}, this.inventory);
    const problems = checkSafety(plan, this.inventory);
    if (problems.length) throw new DocumentError(problems);
    const saved = await this.repo.saveVersion({
      protocolId: protocol.id,
      name: protocol.title,
      document: body as Record<string, unknown>,
    });
    return {
      id: saved.protocolId,
      version: saved.version,
      contentHash: saved.contentHash,
      planHash: plan.hash,
      estimatedDurationS: plan.totalDurationS,
    };
  }

  @Get()
  @ApiOperation({ summary: 'Stored protocols (latest version of each)' })
  async list() {
    const rows = await this.db.select().from(protocolVersions).orderBy(desc(protocolVersions.version));
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!latest.has(r.protocolId)) latest.set(r.protocolId, r);
    return [...latest.values()].map((p) => ({
      id: p.protocolId,
      version: p.version,
      title: (p.document as { title?: string }).title ?? p.protocolId,
      createdAt: p.createdAt,
      approvedBy: p.approvedBy,
    }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A protocol document and its plan with default parameters' })
  @ApiQuery({ name: 'version', required: false })
  async get(@Param('id') id: string, @Query('version') version?: string) {
    const stored = await this.repo.version(id, version ? Number(version) : undefined);
    if (!stored) throw new NotFoundException(`protocol ${id} not found`);
    const plan = compileProtocol(parseProtocol(stored.document), {}, this.inventory);
    return { id, version: stored.version, document: stored.document, plan };
  }
}
