import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Inventory } from '@graftlab/inventory';
import type { BullStationQueues } from '@graftlab/queue';
import { INVENTORY, STATION_QUEUES } from '@graftlab/runtime';
import { AuthService } from '../auth/auth.service';
import { requestToken } from '../auth/session-cookie';
import { rateLimit } from '../common/rate-limit.middleware';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Admins only, by Bearer token or the dashboard session. Bull Board's own page changes jobs without our request
 * header, so cookie-authenticated changes must come from this origin (SameSite=Strict already keeps other sites'
 * requests cookie-less).
 */
function adminOnly(auth: AuthService) {
  const deny = (res: Response, status: number, message: string) =>
    void res
      .status(status)
      .json({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented = requestToken(req);
    if (!presented) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="graftlab"');
      return deny(res, 401, 'an admin API token is required');
    }
    auth
      .authenticate(presented.token)
      .then((actor) => {
        if (!actor) return deny(res, 401, 'invalid or revoked API token');
        if (actor.role !== 'admin')
          return deny(res, 403, `role ${actor.role} may not open the queue board (admin only)`);
        const crossSite = req.headers['sec-fetch-site'] && req.headers['sec-fetch-site'] !== 'same-origin';
        if (presented.via === 'cookie' && !['GET', 'HEAD'].includes(req.method) && crossSite)
          return deny(res, 403, 'cross-site request refused');
        next();
      })
      .catch(next);
  };
}

/** Bull Board at /admin/queues over every station queue of the inventory. */
export function mountBullBoard(app: INestApplication): void {
  const inventory = app.get<Inventory>(INVENTORY);
  // Bull Board reads BullMQ's own queues: the API's station queues are the BullMQ driver.
  const queues = app.get<BullStationQueues>(STATION_QUEUES);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: inventory.stations.map((s) => new BullMQAdapter(queues.queueFor(s.id).bull)),
    // @bull-board/express pins its own patch release of @bull-board/api: same shape, separate declarations.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'graftlab queues' } },
  });
  app.use(
    BULL_BOARD_PATH,
    rateLimit({ limit: 600, windowMs: 60_000 }),
    adminOnly(app.get(AuthService)),
    serverAdapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void,
  );
}
