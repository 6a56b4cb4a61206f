/**
 * One queue per station: a run is routed to a station that has the capabilities it needs, and that station's
 * worker takes it. Names are hashtag-ready ({...}) so every key of a queue lands in one slot of a Redis Cluster
 * or one Dragonfly thread.
 */
export function stationQueueName(stationId: string): string {
  return `{station-${stationId}}`;
}

/**
 * A station's soak visits: a soaking run's next visit waits here, not behind the run its station is executing (the
 * visit uses only shared instruments and the soak bath; see docs/soak.md).
 */
export function soakVisitQueueName(stationId: string): string {
  return `{station-${stationId}-visits}`;
}

/** Soak visits of one station taken at once (each leases the instruments it measures with). */
export const SOAK_VISIT_CONCURRENCY = 4;

export const QUEUE_PREFIX = 'graftlab';
