export * from './inventory.schema';
export { parseInventory, loadInventory } from './inventory.loader';
export { doseRateAt } from './dose-rate';
export * from './inventory.queries';
