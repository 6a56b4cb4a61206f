import type { NextFunction, Request, Response } from 'express';

/**
 * A fixed-window limit per client address for what is mounted outside Nest's router (the dashboard's files,
 * Bull Board), which the throttler guard does not see. Generous: a page load is a handful of files.
 */
export function rateLimit(options: { limit: number; windowMs: number }) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const now = Date.now();
    const key = req.ip ?? 'unknown';
    let entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      if (hits.size > 10_000) hits.clear(); // bounded memory under a flood of addresses
      entry = { count: 0, resetAt: now + options.windowMs };
      hits.set(key, entry);
    }
    entry.count++;
    if (entry.count > options.limit) {
      res.setHeader('Retry-After', String(Math.ceil((entry.resetAt - now) / 1000)));
      res.status(429).json({ statusCode: 429, error: 'Too many requests', message: 'rate limit exceeded' });
      return;
    }
    next();
  };
}
