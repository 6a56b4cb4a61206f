import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';

/** Body limits, OpenAPI at /api/openapi.json and docs at /api/docs. */
export function configureHttp(app: INestApplication): void {
  app.use(json({ limit: '1mb' }));
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
