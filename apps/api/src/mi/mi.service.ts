import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ProtocolsRepository, type GraftlabDb } from '@graftlab/db';
import { MiModelService, MiThread, proposalCampaignDefinition } from '@graftlab/mi-service';
import { DATABASE } from '@graftlab/runtime';

/** The MI model's worker thread of this API process (rankings and campaign priors train there). */
@Injectable()
export class MiThreadHolder implements OnModuleDestroy {
  readonly thread = new MiThread();

  onModuleDestroy(): Promise<void> {
    return this.thread.close();
  }
}

/**
 * The database-wide MI model of this API process: one per process, trained on first use and again only when the
 * database's content changes (its data version), never per request.
 */
@Injectable()
export class MiService extends MiModelService {
  private readonly protocols: ProtocolsRepository;

  constructor(@Inject(DATABASE) db: GraftlabDb, holder: MiThreadHolder) {
    super(db, { thread: holder.thread });
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
