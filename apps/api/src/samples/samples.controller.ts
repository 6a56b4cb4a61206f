import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { exportRows, formatExport, samplePassport, type GraftlabDb } from '@graftlab/db';
import { DATABASE } from '@graftlab/runtime';
import { Roles } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import { anyObject, arrayOf } from '../common/openapi.schemas';

const querySchema = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    campaign: z.string().min(1).optional(),
    protocol: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    basePolymer: z.string().min(1).optional(),
    monomer: z.string().min(1).optional(),
  })
  .strict();

/** The MI database's samples: one tidy row per sample for machine learning, and each sample's passport. */
@ApiTags('samples')
@Controller('api/samples')
export class SamplesController {
  constructor(@Inject(DATABASE) private readonly db: GraftlabDb) {}

  @Get()
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      'Export samples (one row per sample: materials, conditions, results with uncertainty, manifest hash)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'campaign', required: false })
  @ApiQuery({ name: 'protocol', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date or date-time' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date or date-time' })
  @ApiQuery({ name: 'basePolymer', required: false })
  @ApiQuery({ name: 'monomer', required: false })
  @ApiOkResponse({
    description: 'one row per sample (columns: libs/db/EXPORT_COLUMNS.md)',
    content: {
      'application/json': { schema: arrayOf(anyObject('sample row')) },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async export(@Query() query: Record<string, string>, @Res() res: Response): Promise<void> {
    const q = parseBody(querySchema, { ...query });
    const rows = await exportRows(this.db, {
      campaignId: q.campaign,
      protocolId: q.protocol,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      basePolymer: q.basePolymer,
      monomer: q.monomer,
    });
    res.type(q.format === 'csv' ? 'text/csv' : 'application/json').send(formatExport(rows, q.format));
  }

  @Get(':id')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      "A sample's passport: substrate, W0, irradiation record, storage, dispensing, grafting trace, drying curve, Wg, outputs",
  })
  @ApiOkResponse({ schema: anyObject('sample passport') })
  async passport(@Param('id') id: string) {
    const passport = await samplePassport(this.db, id);
    if (!passport) throw new NotFoundException(`sample ${id} not found`);
    return passport;
  }
}
