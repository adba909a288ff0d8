import { Injectable } from '@nestjs/common';
import { MAX_COOKIE_AGE_SECONDS, serializeCookie } from './cookie-policy.js';

/** One cookie the backend may set, as the cookie notice lists it. */
export interface CookieDeclaration {
  name: string;
  /** Why it is set, in the words of the cookie notice. */
  purpose: string;
  /** The processing activity (registry id) its value serves. */
  activityId: string;
  /** How long it lives at most; never above one year. */
  maxAgeSeconds: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
  path: string;
}

/**
 * Every cookie the backend sets. A module declares its cookies in `onModuleInit` (as with the
 * RightsRegistry); the cookie hook drops any Set-Cookie for a name not declared here and caps each
 * cookie at its declared lifetime. Set and delete cookies through `setCookieHeader` and
 * `clearCookieHeader`, which take the attributes from the declaration.
 */
@Injectable()
export class CookieCatalogue {
  private readonly byName = new Map<string, CookieDeclaration>();

  declare(cookie: CookieDeclaration): void {
    if (this.byName.has(cookie.name)) throw new Error(`cookie "${cookie.name}" is declared twice`);
    if (!Number.isInteger(cookie.maxAgeSeconds) || cookie.maxAgeSeconds <= 0)
      throw new Error(`cookie "${cookie.name}": maxAgeSeconds must be a positive whole number`);
    if (cookie.maxAgeSeconds > MAX_COOKIE_AGE_SECONDS)
      throw new Error(`cookie "${cookie.name}" may live at most one year (${MAX_COOKIE_AGE_SECONDS} s)`);
    if (cookie.sameSite === 'None' && !cookie.secure)
      throw new Error(`cookie "${cookie.name}": SameSite=None needs Secure`);
    if (!cookie.purpose.trim()) throw new Error(`cookie "${cookie.name}" needs a purpose`);
    serializeCookie(cookie.name, ''); // refuses a name that is not a cookie token
    this.byName.set(cookie.name, { ...cookie });
  }

  get(name: string): CookieDeclaration | undefined {
    return this.byName.get(name);
  }

  all(): CookieDeclaration[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The Set-Cookie value that sets a declared cookie for its declared lifetime. */
  setCookieHeader(name: string, value: string): string {
    const cookie = this.declared(name);
    return serializeCookie(name, value, {
      maxAgeSeconds: cookie.maxAgeSeconds,
      path: cookie.path,
      httpOnly: cookie.httpOnly,
      secure: cookie.secure,
      sameSite: cookie.sameSite,
    });
  }

  /** The Set-Cookie value that deletes a declared cookie (same Path, so the browser matches it). */
  clearCookieHeader(name: string): string {
    const cookie = this.declared(name);
    return serializeCookie(name, '', {
      maxAgeSeconds: 0,
      expires: new Date(0),
      path: cookie.path,
      httpOnly: cookie.httpOnly,
      secure: cookie.secure,
      sameSite: cookie.sameSite,
    });
  }

  private declared(name: string): CookieDeclaration {
    const cookie = this.byName.get(name);
    if (!cookie) throw new Error(`cookie "${name}" is not declared in the CookieCatalogue`);
    return cookie;
  }
}
