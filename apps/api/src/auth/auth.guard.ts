import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthService } from './auth.service';
import { PUBLIC_KEY, ROLES_KEY, type Actor, type Role } from './roles.decorator';
import { CSRF_HEADER, requestToken } from './session-cookie';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The global guard: `@Public()` routes are open; every other route needs a live token (401 otherwise) whose
 * role the route's `@Roles(...)` names (403 otherwise). Admin is always allowed; a route without `@Roles` is
 * admin-only (deny by default).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const res = context.switchToHttp().getResponse<Response>();
    const presented = requestToken(req);
    const actor = presented ? await this.auth.authenticate(presented.token) : undefined;
    if (!presented || !actor) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="graftlab"');
      throw new UnauthorizedException(
        presented
          ? 'invalid or revoked API token'
          : 'an API token is required (Authorization: Bearer <token>, or log in on the dashboard)',
      );
    }
    if (presented.via === 'cookie' && !SAFE_METHODS.has(req.method) && !req.headers[CSRF_HEADER]) {
      throw new ForbiddenException(
        `a dashboard session must send the ${CSRF_HEADER} header to change things`,
      );
    }
    req.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (actor.role === 'admin' || roles.includes(actor.role)) return true;
    throw new ForbiddenException(
      `role ${actor.role} may not ${req.method} ${req.route?.path ?? req.path}` +
        ` (allowed: ${['admin', ...roles].join(', ')})`,
    );
  }
}
