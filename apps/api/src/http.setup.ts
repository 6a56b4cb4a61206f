import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import { httpRequestSeconds } from '@graftlab/observability';
import { mountBullBoard } from './admin/bull-board.setup';
import { mountDashboard } from './dashboard/dashboard.static';

/**
 * Body limits, the dashboard at /, Bull Board at /admin/queues (admins), OpenAPI at /api/openapi.json and docs at
 * /api/docs. CORS stays off: the dashboard is served from the API's own origin.
 */
export function configureHttp(app: INestApplication): void {
  app.use(timeRequests);
  app.use(json({ limit: '1mb' }));
  mountDashboard(app);
  mountBullBoard(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('graftlab API')
      .setDescription('Orchestrator for robotic radiation-graft polymerization labs')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}

/**
 * Request durations for the metrics, labelled by the route pattern (/api/runs/:id), not the path, so a run id
 * does not become a series of its own; requests that match no route are counted as "unmatched".
 */
function timeRequests(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestSeconds.startTimer();
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    end({
      method: req.method,
      route: route ? `${req.baseUrl}${route}` : 'unmatched',
      status: String(res.statusCode),
    });
  });
  next();
}
