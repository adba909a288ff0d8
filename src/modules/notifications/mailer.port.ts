/** One email, fully rendered, as the Mailer sends it. */
export interface MailMessage {
  /** The same key twice sends once (a retried job). */
  idempotencyKey: string;
  /** The notice template it was rendered from (for support and the Art. 15 copy). */
  template: string;
  /** The data subject the message is about and to, e.g. `customer:<uuid>`. */
  subjectId: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * The port through which the shop sends email. The adapter in use is the development mailbox
 * (`dev-mailbox/`), which writes each message to the `outbound_message` table; an SMTP or provider
 * adapter implements the same interface in its own folder.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export const MAILER = Symbol('MAILER');
