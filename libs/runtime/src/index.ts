export { DATABASE, REDIS, INVENTORY } from './tokens';
export { redisOptions } from './redis-options';
export { RuntimeModule } from './runtime.module';
