import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ERROR_SCHEMA } from '../common/openapi.schemas';

/** Who may do what in the lab (issue: interfaces). */
export const ROLES = ['scientist', 'operator', 'safety-officer', 'admin', 'instrument'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'graftlab:roles';
export const PUBLIC_KEY = 'graftlab:public';

/**
 * The roles allowed on a route (admin is always allowed; a route without `@Roles` is admin-only). Also documents
 * it: bearer auth, the 401/403/429 answers and `x-roles` in the OpenAPI operation.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiExtension('x-roles', ['admin', ...roles.filter((r) => r !== 'admin')]),
    ApiUnauthorizedResponse({ description: 'no valid API token', schema: ERROR_SCHEMA }),
    ApiForbiddenResponse({ description: `allowed roles: admin, ${roles.join(', ')}`, schema: ERROR_SCHEMA }),
    ApiTooManyRequestsResponse({ description: 'rate limit exceeded', schema: ERROR_SCHEMA }),
  );

/** Every role, instruments included (read-only lists such as runs, devices and stations). */
export const ANY_ROLE: readonly Role[] = ROLES;

/** A route anyone may call without a token (health, metrics, the dashboard's static files, login). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-public', true));

/** The authenticated caller, set on the request by the auth guard. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'system', role: 'admin' };

/** Injects the caller (`@CurrentActor() actor: Actor`). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  return req.actor ?? SYSTEM_ACTOR;
});
