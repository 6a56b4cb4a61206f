/** Injection tokens for the connections a process holds (one each, closed on shutdown). */
export const DATABASE = Symbol('DATABASE');
export const REDIS = Symbol('REDIS');
export const INVENTORY = Symbol('INVENTORY');
