import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { checkShape, DocumentError, zodProblems } from '@graftlab/validation';

/** Validates a request body with a zod schema; problems carry JSON pointers like protocol errors do. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined || body === null || typeof body !== 'object')
    throw new BadRequestException('expected a JSON object body');
  checkShape(body);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, body));
  return parsed.data;
}
