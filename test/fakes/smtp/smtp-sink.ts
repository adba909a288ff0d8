import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it, parsed from the wire. */
export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: Map<string, unknown>;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** The messages to one address, in arrival order. */
  to(address: string): ReceivedMail[];
  /** Waits until `count` messages have reached `address` (or fails after `timeoutMs`). */
  waitFor(address: string, count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Makes the next `count` messages fail with a 451 (a temporary refusal). */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

const addressText = (a: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

/**
 * A real SMTP server (the smtp-server package) on a free local port, for tests: it speaks SMTP on
 * the wire, accepts any sender and recipient without TLS or authentication, and parses each message
 * it receives with mailparser.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      if (refusals > 0) {
        refusals -= 1;
        stream.resume();
        stream.on('end', () => {
          const error = new Error('try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
        });
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: addressText(mail.from),
            to: addressText(mail.to),
            subject: mail.subject ?? '',
            // Intl's money format puts a no-break space before the € sign: plain spaces for the assertions.
            text: (mail.text ?? '').replace(/\u00a0/g, ' '),
            headers: mail.headers,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string): ReceivedMail[] => messages.filter((m) => m.envelopeTo.includes(address));
  return {
    port,
    messages,
    to,
    refuseNext(count) {
      refusals = count;
    },
    async waitFor(address, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (to(address).length < count) {
        if (Date.now() > deadline)
          throw new Error(`${to(address).length} of ${count} messages reached ${address} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return to(address);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
