export * from './problem.types';
export { toPointer, fromPointer } from './json-pointer';
export { parseSafeJson, checkShape, type SafeJsonLimits } from './safe-json';
export { zodProblems } from './zod-problems';
