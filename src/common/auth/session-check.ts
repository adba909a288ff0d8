/**
 * Whether a customer's access token still belongs to a running session (not signed out, not ended
 * by a password change or token theft, account not erased or blocked). Provided by the registration
 * module; CustomerAuthGuard asks it on every customer route, so signing out ends access at once
 * everywhere, not only on the routes of one module.
 */
export interface CustomerSessionCheck {
  isActive(customerId: string, sessionId: string): Promise<boolean>;
}

export const CUSTOMER_SESSION_CHECK = Symbol('CUSTOMER_SESSION_CHECK');
