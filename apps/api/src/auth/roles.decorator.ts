import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

/** Who may do what in the lab (issue: interfaces). */
export const ROLES = ['scientist', 'operator', 'safety-officer', 'admin', 'instrument'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'graftlab:roles';
export const PUBLIC_KEY = 'graftlab:public';

/** The roles allowed on a route (admin is always allowed). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call without a token (health, metrics, the dashboard's static files, login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

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
