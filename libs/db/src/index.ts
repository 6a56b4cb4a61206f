export * from './schema';
export type { Db, DbEngine, GraftlabDb, GraftlabSchema, OpenDatabaseOptions } from './db.types';
export { migrateDatabase, openDatabase, openDatabaseFromConfig, pingDatabase } from './open-database';
export { servePglite, type ServePgliteOptions, type ServedPglite } from './serve-pglite';
export { migrationsFolder } from './migrations-folder';
export {
  databaseFailureMessage,
  InvalidTransitionError,
  isDatabaseUnavailable,
  NotFoundError,
} from './db.errors';
export {
  RUN_TRANSITIONS,
  STEP_TRANSITIONS,
  SUGGESTION_TRANSITIONS,
  TERMINAL_RUN_STATES,
  UNSETTLED_STEP_STATES,
} from './run-transitions';
export { canonicalJson, sha256Hex } from './canonical-json';
export { manifestHash, type RunManifest } from './manifest';
export * from './uncertainty';
export { READING_NAMES } from './reading-names';
export * from './repositories/materials.repository';
export * from './repositories/recipes.repository';
export * from './repositories/data-sources.repository';
export * from './repositories/irradiations.repository';
export * from './repositories/measurements.repository';
export * from './repositories/structures.repository';
export {
  evaluateMeasurement,
  type EvaluatedMeasurement,
  type MeasurementInput,
} from './measurements/measurement.evaluation';
export {
  MEASURED_PROPERTIES,
  findProperty,
  type MeasuredProperty,
} from './measurements/measurement-properties.catalog';
export { convert, hoursOf, parseUnit, sameDimension } from './measurements/measurement.units';
export { mainPeak, type Peak } from './measurements/structure-peak.analysis';
export { normalizeForm } from './materials/material-forms';
export { CONCENTRATION_UNITS } from './materials/concentration.units';
export * from './repositories/protocols.repository';
export * from './repositories/samples.repository';
export * from './repositories/runs.repository';
export * from './repositories/journal.repository';
export * from './repositories/dose-ledger.repository';
export * from './repositories/readings.repository';
export * from './repositories/results.repository';
export * from './repositories/campaigns.repository';
export * from './repositories/audit.repository';
export * from './repositories/tokens.repository';
export * from './repositories/leases.repository';
export { samplePassport, type SamplePassport, type PassportReading } from './passport';
export {
  exportSamples,
  formatExport,
  exportRows,
  exportColumns,
  flattenParams,
  type ExportFilters,
  type ExportFormat,
  type ExportRow,
  type ExportValue,
} from './export';
export { exportMeasurementRows, exportMeasurements, MEASUREMENT_EXPORT_COLUMNS } from './measurements.export';
export {
  importSamples,
  DG_RANGE,
  DOSE_RANGE_KGY,
  IMPORTED_PROTOCOL_ID,
  type ImportReport,
  type RejectedRow,
} from './import';
export { parseCsv, writeCsv, CsvSyntaxError } from './csv';
export {
  DB_ENGINES,
  openScratchDatabase,
  scratchPgliteDir,
  DEFAULT_TEST_POSTGRES_URL,
} from './testing/scratch-database';
export { seedBasics, seedRun, SEEDED_MATERIAL } from './testing/seed';
export {
  readMiSamples,
  readMiMaterials,
  miDataVersion,
  type MiMaterials,
  type MiSampleRow,
  type MiValueRow,
} from './mi-training.query';
