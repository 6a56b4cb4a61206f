import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { mountBullBoard } from './admin/bull-board.setup';
import { mountDashboard } from './dashboard/dashboard.static';

/**
 * Body limits, the dashboard at /, Bull Board at /admin/queues (admins), OpenAPI at /api/openapi.json and docs at
 * /api/docs. CORS stays off: the dashboard is served from the API's own origin.
 */
export function configureHttp(app: INestApplication): void {
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
