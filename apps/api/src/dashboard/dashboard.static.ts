import { existsSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type Request, type Response } from 'express';
import { rateLimit } from '../common/rate-limit.middleware';

/** Bundled page scripts only (no CDN, nothing inline): what the lab's offline dashboard needs and no more. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * apps/dashboard/dist, found from apps/api/src/dashboard (running from sources) and from
 * dist/apps/api/src/dashboard (compiled): the first ancestor holding apps/dashboard/dist/index.html.
 */
export function findDashboardDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'apps', 'dashboard', 'dist');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Serves the dashboard at / (public: the page logs in before it reads anything). */
export function mountDashboard(app: INestApplication, dir: string | undefined = findDashboardDir()): void {
  const limit = rateLimit({ limit: 1200, windowMs: 60_000 });
  if (!dir) {
    app.use('/', limit, (req: Request, res: Response, next: () => void) => {
      if (req.method !== 'GET' || (req.path !== '/' && req.path !== '/index.html')) return next();
      res
        .status(503)
        .type('text/plain')
        .send('The dashboard is not built: run `npm run build:dashboard` (or `npm run build`).\n');
    });
    return;
  }
  const serve = express.static(dir, {
    index: 'index.html',
    fallthrough: true,
    setHeaders: (res, file) => {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'no-referrer');
      // Hashed asset names never change; index.html must be revalidated to pick up a new build.
      res.setHeader(
        'Cache-Control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const api = /^\/(api|admin|health|metrics)(\/|$)/;
  app.use((req: Request, res: Response, next: () => void) => {
    if (api.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    limit(req, res, () => void serve(req, res, next));
  });
}
