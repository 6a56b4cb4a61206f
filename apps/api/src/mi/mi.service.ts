import { Inject, Injectable } from '@nestjs/common';
import { ProtocolsRepository, type GraftlabDb } from '@graftlab/db';
import { MiModelService, proposalCampaignDefinition } from '@graftlab/mi-service';
import { DATABASE } from '@graftlab/runtime';

/**
 * The database-wide MI model of this API process: one per process, trained on first use and again only when the
 * database's content changes (its data version), never per request.
 */
@Injectable()
export class MiService extends MiModelService {
  private readonly protocols: ProtocolsRepository;

  constructor(@Inject(DATABASE) db: GraftlabDb) {
    super(db);
    this.protocols = new ProtocolsRepository(db);
  }

  /** A ranking proposal as a campaign definition (see proposalCampaignDefinition). */
  campaignDefinition(body: unknown) {
    return proposalCampaignDefinition(
      this,
      async () =>
        (await this.protocols.latest()).map((p) => ({
          id: p.protocolId,
          version: p.version,
          document: p.document,
        })),
      body,
    );
  }
}
