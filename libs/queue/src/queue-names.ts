/**
 * One queue per station: a run is routed to a station that has the capabilities it needs, and that station's
 * worker takes it. Names are hashtag-ready ({...}) so every key of a queue lands in one slot of a Redis Cluster
 * or one Dragonfly thread.
 */
export function stationQueueName(stationId: string): string {
  return `{station-${stationId}}`;
}

export const QUEUE_PREFIX = 'graftlab';
