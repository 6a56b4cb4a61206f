import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { InvalidTransitionError, NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import { SUGGESTION_TRANSITIONS } from '../run-transitions';
import { campaigns, suggestions, type CampaignState, type SuggestionState } from '../schema';

export type Campaign = typeof campaigns.$inferSelect;
export type Suggestion = typeof suggestions.$inferSelect;
export type NewCampaign = Omit<typeof campaigns.$inferInsert, 'id' | 'createdAt'> & { id?: string };

export interface NewSuggestion {
  id?: string;
  params: Record<string, unknown>;
  modelVersion?: string | null;
  acquisitionValue?: number | null;
}

/** Optimization campaigns and the batches of suggestions their optimizer proposes. */
export class CampaignsRepository {
  constructor(private readonly db: Db) {}

  async create(input: NewCampaign): Promise<Campaign> {
    const [row] = await this.db
      .insert(campaigns)
      .values({ ...input, id: input.id ?? randomUUID() })
      .returning();
    return row;
  }

  async get(id: string): Promise<Campaign | undefined> {
    const [row] = await this.db.select().from(campaigns).where(eq(campaigns.id, id));
    return row;
  }

  async setState(id: string, state: CampaignState): Promise<Campaign> {
    const [row] = await this.db.update(campaigns).set({ state }).where(eq(campaigns.id, id)).returning();
    if (!row) throw new NotFoundError('campaign', id);
    return row;
  }

  async addSuggestions(
    campaignId: string,
    batch: number,
    items: readonly NewSuggestion[],
  ): Promise<Suggestion[]> {
    if (items.length === 0) return [];
    return this.db
      .insert(suggestions)
      .values(
        items.map((s) => ({
          id: s.id ?? randomUUID(),
          campaignId,
          batch,
          params: s.params,
          modelVersion: s.modelVersion,
          acquisitionValue: s.acquisitionValue,
        })),
      )
      .returning();
  }

  async suggestions(campaignId: string, state?: SuggestionState): Promise<Suggestion[]> {
    const byCampaign = eq(suggestions.campaignId, campaignId);
    return this.db
      .select()
      .from(suggestions)
      .where(state ? and(byCampaign, eq(suggestions.state, state)) : byCampaign)
      .orderBy(asc(suggestions.batch), asc(suggestions.createdAt), asc(suggestions.id));
  }

  /** Optimistic move `from → to`; approvals record who and when, rejections and failures the reason. */
  async transitionSuggestion(
    id: string,
    from: SuggestionState,
    to: SuggestionState,
    detail: { by?: string; reason?: string; runId?: string } = {},
  ): Promise<Suggestion> {
    if (!SUGGESTION_TRANSITIONS[from].includes(to))
      throw new InvalidTransitionError('suggestion', id, from, to);
    const [row] = await this.db
      .update(suggestions)
      .set({
        state: to,
        ...(to === 'approved' ? { approvedBy: detail.by ?? null, approvedAt: new Date() } : {}),
        ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
        ...(detail.runId !== undefined ? { runId: detail.runId } : {}),
      })
      .where(and(eq(suggestions.id, id), eq(suggestions.state, from)))
      .returning();
    if (row) return row;
    const [current] = await this.db.select().from(suggestions).where(eq(suggestions.id, id));
    if (!current) throw new NotFoundError('suggestion', id);
    throw new InvalidTransitionError('suggestion', id, from, to, current.state);
  }
}
