import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { ConfigError } from '@graftlab/config';
import {
  databaseFailureMessage,
  InvalidTransitionError,
  isDatabaseUnavailable,
  NotFoundError,
} from '@graftlab/db';
import { SubmissionRefused } from '@graftlab/admission';
import { DocumentError } from '@graftlab/validation';

/**
 * Every error becomes a JSON answer with a message (and, for documents, the JSON pointer of each problem);
 * never a stack trace. Unexpected errors are logged in full and answered with a short message.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorsFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const send = (status: number, body: Record<string, unknown>) =>
      res.status(status).json({ statusCode: status, ...body });
    if (error instanceof DocumentError) {
      const first = error.problems[0];
      return void send(HttpStatus.UNPROCESSABLE_ENTITY, {
        error: 'Invalid document',
        message: error.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '),
        pointer: first?.pointer ?? '',
        problems: error.problems,
      });
    }
    if (error instanceof SubmissionRefused)
      return void send(error.status, { error: 'Refused', message: error.message });
    if (error instanceof NotFoundError)
      return void send(HttpStatus.NOT_FOUND, { error: 'Not found', message: error.message });
    if (error instanceof InvalidTransitionError)
      return void send(HttpStatus.CONFLICT, { error: 'Invalid transition', message: error.message });
    if (error instanceof ConfigError)
      return void send(HttpStatus.INTERNAL_SERVER_ERROR, { error: 'Configuration', message: error.message });
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : ((response as { message?: unknown }).message ?? error.message);
      return void send(error.getStatus(), {
        error: error.name.replace(/Exception$/, ''),
        message: Array.isArray(message) ? message.join('; ') : message,
      });
    }
    const e = error as Error & { type?: string; status?: number };
    if (e?.type === 'entity.too.large')
      return void send(HttpStatus.PAYLOAD_TOO_LARGE, {
        error: 'Payload too large',
        message: 'request body over the 1 MiB limit',
      });
    if (e?.type === 'entity.parse.failed')
      return void send(HttpStatus.BAD_REQUEST, {
        error: 'Malformed JSON',
        message: `malformed JSON: ${e.message}`,
      });
    if (isDatabaseUnavailable(error)) {
      // The client may send the request again once the database answers: a submission is idempotent by its key, and
      // a state change either happened or did not.
      this.logger.warn(`database unreachable: ${databaseFailureMessage(error)}`);
      res.setHeader('Retry-After', '5');
      return void send(HttpStatus.SERVICE_UNAVAILABLE, {
        error: 'Service unavailable',
        message: 'the database cannot be reached; try again shortly',
      });
    }
    const cause = (e as { cause?: Error })?.cause;
    this.logger.error(
      `${e?.stack ?? String(error)}${cause ? `\ncaused by: ${cause.stack ?? String(cause)}` : ''}`,
    );
    send(HttpStatus.INTERNAL_SERVER_ERROR, {
      error: 'Internal error',
      message: 'internal error; see the API log',
    });
  }
}
