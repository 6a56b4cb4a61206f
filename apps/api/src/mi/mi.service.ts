import { Inject, Injectable } from '@nestjs/common';
import type { GraftlabDb } from '@graftlab/db';
import { MiModelService } from '@graftlab/mi-service';
import { DATABASE } from '@graftlab/runtime';

/**
 * The database-wide MI model of this API process: one per process, trained on first use and again only when the
 * database's content changes (its data version), never per request.
 */
@Injectable()
export class MiService extends MiModelService {
  constructor(@Inject(DATABASE) db: GraftlabDb) {
    super(db);
  }
}
