import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { asc, eq } from 'drizzle-orm';
import { doseLedger, type GraftlabDb } from '@graftlab/db';
import { DATABASE } from '@graftlab/runtime';
import { Roles } from '../auth/roles.decorator';
import { arrayOf, dateTime, nullable, num, obj, str } from '../common/openapi.schemas';

const DOSE_RECORD = obj(
  {
    sampleId: str(),
    stepKey: str(),
    commandId: str(),
    plannedKGy: num(),
    deliveredKGy: num(),
    doseRateKGyPerH: nullable(num('decay-corrected dose rate at the position')),
    position: nullable(str()),
    calibrationId: nullable(str()),
    actualExposureMs: nullable(num('from the shutter controller edge timestamps')),
    source: nullable(str()),
    atmosphere: nullable(str()),
    temperatureC: nullable(num()),
    startedAt: nullable(dateTime()),
    endedAt: nullable(dateTime()),
    at: dateTime(),
  },
  ['sampleId', 'stepKey', 'plannedKGy', 'deliveredKGy'],
);

/** The per-sample dose record of a run (one row per exposure command), for the run detail page. */
@ApiTags('runs')
@Controller('api/runs')
export class DoseLedgerController {
  constructor(@Inject(DATABASE) private readonly db: GraftlabDb) {}

  @Get(':id/dose')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: "A run's dose ledger: planned and delivered dose per sample and exposure" })
  @ApiOkResponse({ schema: arrayOf(DOSE_RECORD) })
  async forRun(@Param('id') id: string) {
    const rows = await this.db
      .select()
      .from(doseLedger)
      .where(eq(doseLedger.runId, id))
      .orderBy(asc(doseLedger.id));
    return rows.map(({ id: _id, runId: _run, ...r }) => r);
  }
}
