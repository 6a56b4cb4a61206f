export * from './config.types';
export { ENV_DOCS, REQUIRED_BY_APP } from './config.schema';
export { ConfigError, parseConfig, loadConfig, configToEnv, inheritedEnv, isCi } from './config.loader';
export { ConfigModule, APP_CONFIG } from './config.module';
