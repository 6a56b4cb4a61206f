import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's Prometheus registry with Node defaults and graftlab's own series. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'graftlab_' });

export const runsSubmitted = new Counter({
  name: 'graftlab_runs_submitted_total',
  help: 'Runs accepted by the API',
  registers: [metricsRegistry],
});

export const runsByState = new Gauge({
  name: 'graftlab_runs',
  help: 'Runs in the MI database by state',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
});

export const queueJobs = new Gauge({
  name: 'graftlab_queue_jobs',
  help: 'BullMQ jobs by queue and state',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

export const httpRequestSeconds = new Histogram({
  name: 'graftlab_http_request_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [metricsRegistry],
});
