import { HttpException } from '@nestjs/common';

/**
 * The kernel's own expected failures. It cannot import the application's ProblemException (the
 * kernel imports nothing from src/), so it carries the same fields; the application's problem+json
 * filter renders any HttpException whose response has `slug` and `title` the same way.
 */
export class PrivacyError extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super({ slug, title, detail, extensions, headers }, status);
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
