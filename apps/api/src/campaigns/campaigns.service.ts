import { Inject, Injectable } from '@nestjs/common';
import { CampaignLoop, campaignView, type CampaignView } from '@graftlab/campaign';
import type { GraftlabDb } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import { DATABASE, INVENTORY } from '@graftlab/runtime';
import type { Actor } from '../auth/roles.decorator';
import { MiThreadHolder } from '../mi/mi.service';
import { RunsService } from '../runs/runs.service';

/** Campaigns as the API sees them: created, approved and controlled here; advanced by the worker's driver. */
@Injectable()
export class CampaignsService {
  readonly loop: CampaignLoop;

  constructor(
    @Inject(DATABASE) db: GraftlabDb,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    runs: RunsService,
    mi: MiThreadHolder,
  ) {
    this.loop = new CampaignLoop({ db, inventory, submitter: runs.submitter, miThread: mi.thread });
  }

  view(id: string): Promise<CampaignView> {
    return campaignView(this.loop, this.inventory, id);
  }

  async create(body: unknown, actor: Actor): Promise<CampaignView> {
    const campaign = await this.loop.create(body, actor.name);
    return this.view(campaign.id);
  }

  async list() {
    const rows = await this.loop.list();
    return Promise.all(
      rows.map(async (c) => {
        const v = await this.view(c.id);
        return {
          id: v.id,
          name: v.name,
          state: v.state,
          protocol: v.protocol,
          progress: v.progress,
          best: v.best ? { id: v.best.id, params: v.best.params, result: v.best.result } : null,
          stopReason: v.stopReason,
          createdBy: v.createdBy,
          createdAt: v.createdAt,
        };
      }),
    );
  }

  static mayApproveDose(actor: Actor): boolean {
    return actor.role === 'safety-officer' || actor.role === 'admin';
  }
}
