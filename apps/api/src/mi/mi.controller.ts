import { Body, ConflictException, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ModelChanged, NoTrainingData, type RankResponse } from '@graftlab/mi-service';
import { checkShape, DocumentError } from '@graftlab/validation';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { CampaignsService } from '../campaigns/campaigns.service';
import {
  anyObject,
  arrayOf,
  CAMPAIGN_VIEW_SCHEMA,
  int,
  nullable,
  num,
  obj,
  str,
} from '../common/openapi.schemas';
import { MiService } from './mi.service';

const RANGE: SchemaObject = {
  oneOf: [
    obj({ min: num(), max: num(), steps: int('grid levels (default 3)') }, ['min', 'max']),
    obj({ values: arrayOf(num()) }, ['values']),
  ],
};

export const RANK_SPEC_BODY: SchemaObject = obj(
  {
    targets: arrayOf(
      obj(
        {
          property: str(
            'a measured property or alias: IEC, DG, conductivity, water_uptake, conductivity_retained',
          ),
          min: num('at least (in unit)'),
          max: num('at most (in unit)'),
          unit: str("any unit of the property's dimension (default its canonical unit)", {
            example: 'mmol/g',
          }),
          at: { oneOf: [num(), str()], description: 'time on test: hours, or "500 h", "3 d"' },
        },
        ['property'],
      ),
    ),
    candidates: obj(
      {
        basePolymers: arrayOf(str(), 'base polymer names of the MI database'),
        monomers: arrayOf(
          str(),
          'monomer names (each alone); a never-grafted monomer is ranked by its descriptors',
        ),
        monomerMixtures: arrayOf(arrayOf(obj({ monomer: str(), fraction: num() }, ['monomer', 'fraction']))),
      },
      ['basePolymers'],
    ),
    conditions: obj(
      {
        doseKGy: RANGE,
        doseRateKGyPerH: RANGE,
        concentrationWtPct: RANGE,
        temperatureC: RANGE,
        timeH: RANGE,
        storageH: RANGE,
        methods: arrayOf(str(undefined, { enum: ['pre-irradiation', 'simultaneous'] })),
        sources: arrayOf(str(undefined, { enum: ['gamma', 'electron-beam'] })),
        atmospheres: arrayOf(str(undefined, { enum: ['inert', 'air'] })),
        media: arrayOf(str()),
      },
      [],
      'ranges searched per system (default: the span of the database)',
    ),
    top: int('at most this many proposals'),
    seed: int(),
  },
  ['targets', 'candidates'],
);

const TRAINING_SIZE: SchemaObject = obj(
  {
    records: int('measured values learned from'),
    samples: int(),
    bySource: obj({ lab: int(), history: int(), literature: int() }),
    byProperty: { type: 'object', additionalProperties: { type: 'integer' } },
    skipped: arrayOf(obj({ sampleId: str(), reason: str() })),
  },
  ['records', 'samples', 'bySource', 'byProperty'],
);

export const RANK_RESPONSE_SCHEMA: SchemaObject = obj(
  {
    modelVersion: str('MI model version hash (cited by run manifests of campaigns it seeds)'),
    dataVersion: str('the database content the model was trained on'),
    trainingSize: TRAINING_SIZE,
    evaluated: int('candidate settings scored'),
    proposals: arrayOf(
      obj(
        {
          rank: int(),
          basePolymer: str(),
          monomers: arrayOf(obj({ name: str(), fraction: num() })),
          conditions: obj({
            method: str(),
            source: str(),
            atmosphere: str(),
            doseKGy: num(),
            doseRateKGyPerH: num(),
            concentrationWtPct: num(),
            temperatureC: num(),
            timeH: num(),
            storageH: num(),
            medium: str(),
          }),
          probability: num('P(every target met)'),
          margin: num('closest call, in training sd'),
          predictions: arrayOf(
            obj({
              property: str(),
              unit: str(),
              at: num(),
              min: num(),
              max: num(),
              mean: num(),
              sd: num(),
              median: num(),
              lower90: num(),
              upper90: num(),
              probability: num(),
            }),
          ),
        },
        ['rank', 'basePolymer', 'monomers', 'conditions', 'probability', 'predictions'],
      ),
    ),
  },
  ['modelVersion', 'dataVersion', 'trainingSize', 'proposals'],
);

const STATUS_SCHEMA: SchemaObject = obj(
  {
    state: str(undefined, { enum: ['empty', 'training', 'ready'] }),
    dataVersion: nullable(str()),
    modelVersion: nullable(str()),
    trainingSize: nullable(TRAINING_SIZE),
    mode: nullable(str(undefined, { enum: ['fit', 'incremental'] })),
    trainingMs: nullable(int()),
  },
  ['state'],
);

const PROPOSAL_CAMPAIGN_BODY: SchemaObject = obj(
  {
    spec: RANK_SPEC_BODY,
    proposal: int('rank of the chosen proposal in the ranking of spec'),
    modelVersion: str('the model version the ranking came from (409 if the model changed since)'),
    protocolId: str('a stored protocol grafting the system (default: the one stored protocol that does)'),
    name: str(),
    budget: int('experiments (default 12)'),
    batchSize: int('default 3'),
    seed: int(),
    prior: str("the campaign optimizer's prior (default database)", { enum: ['none', 'database'] }),
  },
  ['spec', 'proposal'],
);

const PROPOSAL_CAMPAIGN_RESPONSE: SchemaObject = obj(
  {
    campaign: CAMPAIGN_VIEW_SCHEMA,
    proposal: anyObject('the proposal, as the ranking shows it'),
    modelVersion: str(),
    unmeasuredTargets: arrayOf(str(), "targets the protocol's runs do not measure"),
  },
  ['campaign', 'proposal', 'modelVersion'],
);

function conflict(e: unknown): unknown {
  if (e instanceof NoTrainingData || e instanceof ModelChanged)
    return new ConflictException((e as Error).message);
  return e;
}

/** Materials informatics over the whole database (issue #15): rank materials and conditions for a target. */
@ApiTags('mi')
@Controller('api/mi')
export class MiController {
  constructor(
    private readonly mi: MiService,
    private readonly campaigns: CampaignsService,
    private readonly audit: AuditService,
  ) {}

  @Post('rank')
  @HttpCode(200)
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      'Rank base polymer × monomer × conditions for target properties: mean ± sd per property, P(meet every target), model version',
  })
  @ApiBody({ schema: RANK_SPEC_BODY })
  @ApiOkResponse({ description: 'proposals, best first', schema: RANK_RESPONSE_SCHEMA })
  @ApiUnprocessableEntityResponse({
    description:
      'bad spec (unknown property, unit not of the property, no data on it, unknown material, empty candidates); `pointer` locates it',
  })
  @ApiConflictResponse({ description: 'the MI database holds no measured sample to learn from yet' })
  async rank(@Body() body: unknown): Promise<RankResponse> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new DocumentError([
        { pointer: '', message: 'expected a JSON object {targets, candidates, conditions}' },
      ]);
    checkShape(body);
    try {
      return await this.mi.rank(body);
    } catch (e) {
      throw conflict(e);
    }
  }

  @Post('campaigns')
  @Roles('scientist', 'safety-officer')
  @ApiOperation({
    summary:
      'Turn a ranking proposal into a campaign: searched around its conditions on a protocol grafting its system, targets as objectives, the database as prior',
  })
  @ApiBody({ schema: PROPOSAL_CAMPAIGN_BODY })
  @ApiCreatedResponse({
    description: 'the campaign, the proposal it came from',
    schema: PROPOSAL_CAMPAIGN_RESPONSE,
  })
  @ApiUnprocessableEntityResponse({ description: 'bad spec, proposal or protocol; `pointer` locates it' })
  @ApiConflictResponse({
    description: 'the MI model changed since `modelVersion`, or it has nothing to learn from',
  })
  async campaign(@Body() body: unknown, @CurrentActor() actor: Actor) {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new DocumentError([
        { pointer: '', message: 'expected a JSON object {spec, proposal, protocolId}' },
      ]);
    checkShape(body);
    let built;
    try {
      built = await this.mi.campaignDefinition(body);
    } catch (e) {
      throw conflict(e);
    }
    const view = await this.campaigns.create(built.definition, actor);
    await this.audit.record(actor, {
      action: 'campaign.create',
      target: view.id,
      after: {
        protocol: view.protocol,
        budget: view.progress.budget,
        settings: view.settings,
        miModelVersion: built.modelVersion,
      },
    });
    return {
      campaign: view,
      proposal: built.proposal,
      modelVersion: built.modelVersion,
      unmeasuredTargets: built.unmeasuredTargets,
    };
  }

  @Get('model')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary: 'The MI model: ready, training or not yet trained, its version and training size',
  })
  @ApiOkResponse({ description: 'model status', schema: STATUS_SCHEMA })
  model() {
    return this.mi.status();
  }
}
