import type { Actor } from '../context/actor-context.js';

/** What the kernel's admin guard hands an authorizer: the raw request, headers lower-cased (Node's). */
export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The seam through which the application authenticates staff on the kernel's admin routes (the Art. 30
 * record, the linter, legal holds, the audit verification) without the kernel importing the
 * application's auth (docs/architecture.md: libs/privacy imports nothing from src/).
 *
 * `authorize` is synchronous on purpose: the guard sets the request's actor (ActorContext) from its
 * answer, and an actor entered after an `await` would not reach the route handler.
 */
/**
 * A credential recognised synchronously (so its actor can be entered at once) whose confirmation
 * needs a lookup, e.g. that the staff account is still active. `confirmed` rejects with an
 * HttpException (401, or 403 for a role the route does not allow) when the credential is refused.
 */
export interface PendingAdminAuthorization {
  actor: Actor;
  confirmed: Promise<void>;
}

export interface AdminAuthorizer {
  /**
   * The actor the request authenticates as, when it carries a credential this authorizer recognises
   * and whose role is one of `requiredRoles`. `null` when it carries no credential it recognises (the
   * guard then tries the bootstrap token, if enabled, and answers 401 otherwise). Throws an
   * HttpException (e.g. 403 problem) when it recognises the credential but refuses it. May answer a
   * PendingAdminAuthorization when the credential needs a lookup (account still active) first.
   */
  authorize(request: AdminRequest, requiredRoles: string[]): Actor | PendingAdminAuthorization | null;
}

/** Provide an AdminAuthorizer under this token (globally) to let staff accounts use the admin routes. */
export const ADMIN_AUTHORIZER = Symbol('ADMIN_AUTHORIZER');

/**
 * Provide `true` under this token (globally) to accept the bootstrap admin token
 * (PrivacyKernelOptions.bootstrapAdminToken) besides the authorizer's credentials. Unprovided, it is
 * off: once staff accounts exist, a shared static token is a credential nobody can be held to account
 * for, so it is for the first start and for emergencies only.
 */
export const BOOTSTRAP_ADMIN_TOKEN_ENABLED = Symbol('BOOTSTRAP_ADMIN_TOKEN_ENABLED');

/**
 * The staff roles the kernel's admin routes require: the privacy officer reads the registry, the audit
 * log and handles requests; the administrator runs the shop.
 */
export const KERNEL_ADMIN_ROLES: readonly string[] = ['privacy-officer', 'admin'];
