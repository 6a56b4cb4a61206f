import { campaignDefinitionSchema } from '@graftlab/campaign';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import { bodyOf, CAMPAIGN_VIEW_SCHEMA, obj, str, SUGGESTION_SCHEMA } from '../common/openapi.schemas';
import { CampaignsService } from './campaigns.service';

const reasonSchema = z.object({ reason: z.string().min(1).max(1000).optional() }).strict();

/** The campaign definition as documented: generated from the zod schema that validates it (materials, prior lists). */
const CAMPAIGN_BODY: SchemaObject = bodyOf(campaignDefinitionSchema);

const REASON_BODY: SchemaObject = { type: 'object', properties: { reason: { type: 'string' } } };

/** Closed-loop campaigns (issue #7): the optimizer proposes, people approve, runs queue, results teach it. */
@ApiTags('campaigns')
@Controller('api/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Roles('scientist', 'safety-officer')
  @ApiOperation({
    summary: 'Start a campaign: protocol, search space, objective, budget, batch size, autonomy envelope',
  })
  @ApiBody({ schema: CAMPAIGN_BODY })
  @ApiCreatedResponse({
    description: 'the campaign as GET /api/campaigns/:id shows it',
    schema: CAMPAIGN_VIEW_SCHEMA,
  })
  @ApiUnprocessableEntityResponse({ description: 'invalid definition; `pointer` locates the problem' })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const view = await this.campaigns.create(body, actor);
    await this.audit.record(actor, {
      action: 'campaign.create',
      target: view.id,
      after: { protocol: view.protocol, budget: view.progress.budget, settings: view.settings },
    });
    return view;
  }

  @ApiOkResponse({ description: 'campaigns', schema: { type: 'array', items: CAMPAIGN_VIEW_SCHEMA } })
  @Get()
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: 'Campaigns with their progress and best result so far' })
  list() {
    return this.campaigns.list();
  }

  @Get(':id')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      'A campaign: progress, best so far, every suggestion with model version, acquisition value, approver, run and result',
  })
  @ApiOkResponse({ description: 'campaign view', schema: CAMPAIGN_VIEW_SCHEMA })
  get(@Param('id') id: string) {
    return this.campaigns.view(id);
  }

  @ApiOkResponse({ description: 'the suggestion, approved and queued', schema: SUGGESTION_SCHEMA })
  @Post(':id/suggestions/:sid/approve')
  @HttpCode(200)
  @Roles('scientist', 'safety-officer')
  @ApiOperation({
    summary:
      "Approve a proposal and queue it as a run (a dose above the lab's approval limit needs a safety officer)",
  })
  @ApiBody({ schema: REASON_BODY, required: false })
  @ApiForbiddenResponse({
    description: 'dose above the approval limit and the caller is not a safety officer',
  })
  @ApiConflictResponse({ description: 'the suggestion is no longer proposed, or the campaign is not active' })
  async approve(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ) {
    const b = parseBody(reasonSchema, body ?? {});
    const s = await this.campaigns.loop.approve(id, sid, {
      name: actor.name,
      mayApproveDose: CampaignsService.mayApproveDose(actor),
    });
    await this.audit.record(actor, {
      action: 'campaign.approve',
      target: `${id}/${sid}`,
      reason: b.reason,
      before: { state: 'proposed' },
      after: { state: s.state, params: s.params, runId: s.runId, reason: s.reason },
    });
    return this.suggestion(s);
  }

  @ApiOkResponse({ description: 'the suggestion, rejected', schema: SUGGESTION_SCHEMA })
  @Post(':id/suggestions/:sid/reject')
  @HttpCode(200)
  @Roles('scientist', 'safety-officer')
  @ApiOperation({ summary: 'Reject a proposal (never queued; the optimizer will not propose it again)' })
  @ApiBody({ schema: REASON_BODY })
  async reject(
    @Param('id') id: string,
    @Param('sid') sid: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
  ) {
    const b = parseBody(reasonSchema, body ?? {});
    const s = await this.campaigns.loop.reject(
      id,
      sid,
      { name: actor.name, mayApproveDose: false },
      b.reason,
    );
    await this.audit.record(actor, {
      action: 'campaign.reject',
      target: `${id}/${sid}`,
      reason: b.reason,
      after: { state: s.state, params: s.params },
    });
    return this.suggestion(s);
  }

  @ApiOkResponse({ description: 'campaign state', schema: obj({ id: str(), state: str() }, ['id', 'state']) })
  @Post(':id/pause')
  @HttpCode(200)
  @Roles('scientist', 'safety-officer')
  @ApiOperation({ summary: 'Pause: nothing new is proposed or queued (runs in flight finish)' })
  @ApiBody({ schema: REASON_BODY, required: false })
  async pause(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(reasonSchema, body ?? {});
    const c = await this.campaigns.loop.pause(id);
    await this.audit.record(actor, { action: 'campaign.pause', target: id, reason: b.reason });
    return { id: c.id, state: c.state };
  }

  @ApiOkResponse({ description: 'campaign state', schema: obj({ id: str(), state: str() }, ['id', 'state']) })
  @Post(':id/resume')
  @HttpCode(200)
  @Roles('scientist', 'safety-officer')
  @ApiOperation({ summary: 'Resume a paused campaign' })
  @ApiBody({ schema: REASON_BODY, required: false })
  async resume(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(reasonSchema, body ?? {});
    const c = await this.campaigns.loop.resume(id);
    await this.audit.record(actor, { action: 'campaign.resume', target: id, reason: b.reason });
    return { id: c.id, state: c.state };
  }

  private suggestion(s: {
    id: string;
    state: string;
    params: unknown;
    runId: string | null;
    approvedBy: string | null;
    approvedAt: Date | null;
    reason: string | null;
  }) {
    return {
      id: s.id,
      state: s.state,
      params: s.params,
      runId: s.runId,
      approvedBy: s.approvedBy,
      approvedAt: s.approvedAt?.toISOString() ?? null,
      reason: s.reason,
    };
  }
}
