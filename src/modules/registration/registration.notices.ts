import { notBlockedClause } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { customerSubject } from '../../common/subjects.js';
import type { NoticeRecipient, NoticeTemplate } from '../notifications/index.js';
import { CUSTOMER_RECORD } from './customer-sessions.js';

/** The notices the registration module sends (template ids). */
export const NOTICES = {
  welcome: 'registration.welcome',
  alreadyRegistered: 'registration.already-registered',
  passwordChanged: 'registration.password-changed',
  emailChanged: 'registration.email-changed',
} as const;

export const CUSTOMER_RECIPIENT = 'customer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A customer as a notice recipient, read when the notice is sent: an erased account (or one blocked
 * after an erasure request) is no recipient, so nothing reaches a person who asked to be forgotten.
 */
export async function resolveCustomerRecipient(
  id: string,
  manager: EntityManager,
): Promise<NoticeRecipient | null> {
  if (!UUID.test(id)) return null;
  const rows: { id: string; email: string; first_name: string; last_name: string }[] = await manager.query(
    `select c.id, c.email, c.first_name, c.last_name from customer c
      where c.id = $1 and ${notBlockedClause(CUSTOMER_RECORD, 'c.id')}`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    subjectId: customerSubject(row.id),
    email: row.email,
    displayName: `${row.first_name} ${row.last_name}`.trim() || null,
  };
}

const greeting = (r: NoticeRecipient): string =>
  r.displayName ? `Guten Tag ${r.displayName},` : 'Guten Tag,';

/**
 * The texts, in German (the shop's customers' language). They carry no password, token or link
 * with a secret; `shopName` signs them.
 */
export function registrationNotices(shopName: string): NoticeTemplate[] {
  const signature = `Mit freundlichen Grüßen\n${shopName}`;
  return [
    {
      id: NOTICES.welcome,
      render: (r) => ({
        subject: 'Willkommen: Ihr Kundenkonto ist eingerichtet',
        text: [
          greeting(r),
          '',
          'Ihr Kundenkonto ist eingerichtet. Sie können sich ab sofort mit dieser E-Mail-Adresse anmelden.',
          '',
          'In Ihrem Konto sehen und berichtigen Sie Ihre Angaben, verwalten Ihre Adressen und Einwilligungen ' +
            'und können die Löschung Ihrer Daten verlangen. Freiwillige Angaben können Sie dort jederzeit wieder entfernen.',
          '',
          signature,
        ].join('\n'),
      }),
    },
    {
      id: NOTICES.alreadyRegistered,
      render: (r) => ({
        subject: 'Registrierung mit Ihrer E-Mail-Adresse',
        text: [
          greeting(r),
          '',
          'soeben wurde versucht, mit Ihrer E-Mail-Adresse ein neues Kundenkonto anzulegen. Für diese Adresse ' +
            'besteht bereits ein Konto; daran wurde nichts geändert.',
          '',
          'Waren Sie das, melden Sie sich einfach mit Ihrem bestehenden Konto an. Waren Sie es nicht, können Sie ' +
            'diese Nachricht ignorieren.',
          '',
          signature,
        ].join('\n'),
      }),
    },
    {
      id: NOTICES.passwordChanged,
      render: (r) => ({
        subject: 'Ihr Passwort wurde geändert',
        text: [
          greeting(r),
          '',
          'das Passwort Ihres Kundenkontos wurde soeben geändert. Alle anderen Anmeldungen wurden beendet.',
          '',
          'Haben Sie das nicht selbst getan, wenden Sie sich bitte umgehend an uns.',
          '',
          signature,
        ].join('\n'),
      }),
    },
    {
      id: NOTICES.emailChanged,
      render: (r) => ({
        subject: 'Ihre E-Mail-Adresse wurde geändert',
        text: [
          greeting(r),
          '',
          'die E-Mail-Adresse Ihres Kundenkontos wurde geändert. Sie melden sich ab sofort mit dieser Adresse an.',
          '',
          'Haben Sie das nicht selbst getan, wenden Sie sich bitte umgehend an uns.',
          '',
          signature,
        ].join('\n'),
      }),
    },
  ];
}
