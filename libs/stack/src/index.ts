export { startStack, type RunningStack, type StackOptions } from './stack.supervisor';
export { resolveInfrastructure, type ResolvedInfrastructure } from './infrastructure';
export { appEntry, type StackApp } from './app-entry';
