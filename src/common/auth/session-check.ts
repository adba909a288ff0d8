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

/**
 * Whether a staff access token's account is still active and still holds the token's role. Provided
 * by the back office; StaffAuthGuard asks it on every staff route before it looks at the role, so a
 * deactivated or demoted employee loses access at once everywhere (401), not when the token expires.
 */
export interface StaffAccountCheck {
  isCurrent(staffId: string, role: string): Promise<boolean>;
}

export const STAFF_ACCOUNT_CHECK = Symbol('STAFF_ACCOUNT_CHECK');
