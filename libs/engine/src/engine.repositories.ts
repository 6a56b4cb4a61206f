import {
  DoseLedgerRepository,
  IrradiationsRepository,
  MeasurementsRepository,
  JournalRepository,
  ProtocolsRepository,
  ReadingsRepository,
  ResultsRepository,
  RunsRepository,
  SamplesRepository,
  type Db,
} from '@graftlab/db';

/**
 * What the engine and the reconciler ask of the MI database, as interfaces: the SQL lives in libs/db, and a unit
 * test can hand the engine fakes instead.
 */
export interface EngineRepositories {
  readonly runs: Pick<
    RunsRepository,
    'get' | 'list' | 'transition' | 'underWayOn' | 'sampleIds' | 'setManifestHash'
  >;
  readonly journal: Pick<
    JournalRepository,
    'forRun' | 'record' | 'recordAll' | 'dispatch' | 'confirm' | 'confirmAndDispatch' | 'findUnsettled'
  >;
  readonly ledger: Pick<DoseLedgerRepository, 'append' | 'forSample'>;
  readonly readings: Pick<ReadingsRepository, 'append'>;
  readonly samples: Pick<
    SamplesRepository,
    'get' | 'move' | 'setInitialMass' | 'setStatus' | 'othersAt' | 'recordStorage'
  >;
  readonly results: Pick<ResultsRepository, 'recordResults'>;
  readonly protocols: Pick<ProtocolsRepository, 'version'>;
  /** The MI records a run writes besides its journal (see mi-records.ts). */
  readonly irradiations: Pick<IrradiationsRepository, 'record'>;
  readonly measurements: Pick<MeasurementsRepository, 'record'>;
}

/** The repositories on a database (the worker's). */
export function repositoriesOn(db: Db): EngineRepositories {
  return {
    runs: new RunsRepository(db),
    journal: new JournalRepository(db),
    ledger: new DoseLedgerRepository(db),
    readings: new ReadingsRepository(db),
    samples: new SamplesRepository(db),
    results: new ResultsRepository(db),
    protocols: new ProtocolsRepository(db),
    irradiations: new IrradiationsRepository(db),
    measurements: new MeasurementsRepository(db),
  };
}
