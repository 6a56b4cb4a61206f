import type { Request, Response } from 'express';

/** The dashboard's session: the API token in an httpOnly, SameSite=Strict cookie (no script can read it). */
export const SESSION_COOKIE = 'graftlab_session';

/**
 * Cookie-authenticated requests that change something must carry this header. A page of another origin cannot
 * add it without a CORS preflight, which this API never answers (CORS is off): a second line behind SameSite.
 */
export const CSRF_HEADER = 'x-graftlab-request';

/** Twelve hours: a lab shift. The token itself lives until an admin revokes it. */
export const SESSION_MAX_AGE_MS = 12 * 3600 * 1000;

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    maxAge: SESSION_MAX_AGE_MS,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** The API token of a request and where it came from: `Authorization: Bearer`, else the session cookie. */
export function requestToken(req: Request): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? { token: m[1], via: 'bearer' } : undefined;
  }
  const cookie = readCookie(req, SESSION_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}
