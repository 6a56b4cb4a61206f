export { InfraError } from './infra-error';
export { freePort } from './free-port';
export { findOnPath } from './find-on-path';
export { checkRedis, startPrivateRedis, type PrivateRedis } from './redis.service';
export {
  checkMqtt,
  startEmbeddedBroker,
  startPrivateMosquitto,
  privateMosquittoConfig,
  startLocalBroker,
  type EmbeddedBroker,
} from './mqtt.service';
export { checkPostgres, redact } from './postgres.service';
