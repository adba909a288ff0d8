import { DomainError, type DomainErrorKind } from '@app/core';

const KIND_OF_STATUS: Readonly<Record<number, DomainErrorKind>> = {
  400: 'invalid-input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * The kernel's own expected failures: typed domain errors (`@app/core`), which the application's
 * edge renders as problem+json like every other module's.
 */
export class PrivacyError extends DomainError {
  constructor(
    status: number,
    readonly slug: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(KIND_OF_STATUS[status] ?? 'failed', slug, title, { detail, extensions, headers });
  }
}

/** A processing the registry does not allow for this subject (no consent, restricted, objected). */
export class ProcessingRefused extends PrivacyError {
  constructor(
    readonly activityId: string,
    readonly reason: 'no-consent' | 'restricted' | 'objected' | 'unknown-activity' | 'blocked',
    detail: string,
  ) {
    super(403, `processing-refused`, 'Processing refused', detail, { activity: activityId, reason });
  }
}

/** A disclosure whose payload holds a field outside the recipient's allow-list: nothing was sent. */
export class DisclosureRefused extends PrivacyError {
  constructor(
    readonly recipientId: string,
    readonly activityId: string,
    readonly fields: string[],
  ) {
    super(
      500,
      'disclosure-refused',
      'Disclosure refused',
      `The payload for ${recipientId} (${activityId}) holds fields outside its allow-list: ${fields.join(', ')}. Nothing was sent.`,
      { recipient: recipientId, activity: activityId, fields },
    );
  }
}
