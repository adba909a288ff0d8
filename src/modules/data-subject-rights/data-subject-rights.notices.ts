import type { EntityManager } from 'typeorm';
import type {
  NoticeData,
  NoticeRecipient,
  NoticeRecipientResolver,
  NoticeTemplate,
} from '../notifications/index.js';

/** The notices this module sends to the person who made a request (template ids). */
export const REQUEST_NOTICES = {
  verifyCode: 'data-subject-rights.verify-code',
  confirmErasure: 'data-subject-rights.confirm-erasure',
  extension: 'data-subject-rights.extension',
  refusal: 'data-subject-rights.refusal',
  erasureScheduled: 'data-subject-rights.erasure-scheduled',
  erasureDone: 'data-subject-rights.erasure-done',
  restrictionLift: 'data-subject-rights.restriction-lift',
} as const;

/** Notices about a request go to the address the request was verified with (recipient id: the request id). */
export const REQUEST_RECIPIENT = 'privacy-request';

/** Why a request is refused (Art. 12(5)); the notice explains each in words. */
export const REFUSAL_REASONS = ['manifestly-unfounded', 'excessive', 'identity-not-established'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The recipient of a request's notices, read when the notice is sent: the address the request came
 * with, or, for a signed-in customer, the account's address (through the `customer` resolver).
 */
export function requestRecipientResolver(
  customerResolver: () => NoticeRecipientResolver | undefined,
): NoticeRecipientResolver {
  return async (id: string, manager: EntityManager): Promise<NoticeRecipient | null> => {
    if (!UUID.test(id)) return null;
    const rows: { subject_id: string; contact_email: string | null }[] = await manager.query(
      'select subject_id, contact_email from privacy_request where id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.contact_email) return { subjectId: row.subject_id, email: row.contact_email, displayName: null };
    const customer = row.subject_id.startsWith('customer:') ? customerResolver() : undefined;
    return customer ? customer(row.subject_id.slice('customer:'.length), manager) : null;
  };
}

type Lang = 'de' | 'en';
const lang = (data: NoticeData): Lang => (data.lang === 'en' ? 'en' : 'de');
const date = (value: unknown, l: Lang): string =>
  typeof value === 'string' && value
    ? new Date(value).toLocaleDateString(l === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin' })
    : '';

const TYPE_NAMES: Record<string, { de: string; en: string }> = {
  access: { de: 'Auskunft (Art. 15 DSGVO)', en: 'access (Art. 15 GDPR)' },
  portability: { de: 'Datenübertragbarkeit (Art. 20 DSGVO)', en: 'data portability (Art. 20 GDPR)' },
  erasure: { de: 'Löschung (Art. 17 DSGVO)', en: 'erasure (Art. 17 GDPR)' },
  restriction: { de: 'Einschränkung (Art. 18 DSGVO)', en: 'restriction (Art. 18 GDPR)' },
  'lift-restriction': { de: 'Aufhebung der Einschränkung', en: 'lifting the restriction' },
  rectification: { de: 'Berichtigung (Art. 16 DSGVO)', en: 'rectification (Art. 16 GDPR)' },
  objection: { de: 'Widerspruch (Art. 21 DSGVO)', en: 'objection (Art. 21 GDPR)' },
  'consent-withdrawal': {
    de: 'Widerruf einer Einwilligung (Art. 7 Abs. 3 DSGVO)',
    en: 'withdrawal of a consent (Art. 7(3) GDPR)',
  },
};
const typeName = (data: NoticeData, l: Lang): string =>
  TYPE_NAMES[String(data.requestType)]?.[l] ?? String(data.requestType);

const REFUSALS: Record<RefusalReason, { de: string; en: string }> = {
  'manifestly-unfounded': {
    de: 'Ihr Antrag ist offenkundig unbegründet (Art. 12 Abs. 5 DSGVO).',
    en: 'Your request is manifestly unfounded (Art. 12(5) GDPR).',
  },
  excessive: {
    de: 'Ihr Antrag ist exzessiv, insbesondere wegen häufiger Wiederholung (Art. 12 Abs. 5 DSGVO).',
    en: 'Your request is excessive, in particular because of its repetitive character (Art. 12(5) GDPR).',
  },
  'identity-not-established': {
    de: 'Wir konnten nicht feststellen, dass der Antrag von der betroffenen Person stammt (Art. 12 Abs. 6, Art. 11 Abs. 2 DSGVO).',
    en: 'We could not establish that the request comes from the person concerned (Art. 12(6), Art. 11(2) GDPR).',
  },
};

/** The texts in German and English; `shopName` signs them, `authority` is named in refusals (Art. 12(4)). */
export function requestNotices(
  shopName: string,
  authority: string,
  codeOf: (salt: string) => string,
): NoticeTemplate[] {
  const sign = (l: Lang): string =>
    l === 'de' ? `Mit freundlichen Grüßen\n${shopName}` : `Kind regards\n${shopName}`;
  const hello = (l: Lang): string => (l === 'de' ? 'Guten Tag,' : 'Hello,');
  const ref = (data: NoticeData, l: Lang): string =>
    l === 'de' ? `Vorgangsnummer: ${String(data.requestId)}` : `Request reference: ${String(data.requestId)}`;
  return [
    {
      id: REQUEST_NOTICES.verifyCode,
      render: (_r, data) => {
        const l = lang(data);
        const code = codeOf(String(data.salt));
        return l === 'de'
          ? {
              subject: `Ihr Bestätigungscode: ${code}`,
              text: [
                hello(l),
                '',
                `wir haben einen Antrag auf ${typeName(data, l)} erhalten, der diese E-Mail-Adresse nennt.`,
                `Ihr Bestätigungscode lautet: ${code}`,
                'Er gilt 15 Minuten und nur einmal. Wenn Sie den Antrag nicht gestellt haben, ignorieren Sie diese E-Mail.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: `Your confirmation code: ${code}`,
              text: [
                hello(l),
                '',
                `we received a request for ${typeName(data, l)} naming this email address.`,
                `Your confirmation code is: ${code}`,
                'It is valid for 15 minutes and once only. If you did not make the request, ignore this email.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.confirmErasure,
      render: (_r, data) => {
        const l = lang(data);
        const code = codeOf(String(data.salt));
        return l === 'de'
          ? {
              subject: `Löschung bestätigen: ${code}`,
              text: [
                hello(l),
                '',
                'bitte bestätigen Sie, dass wir Ihre Daten löschen sollen. Die Löschung lässt sich nicht rückgängig machen.',
                `Ihr Code zur Bestätigung: ${code} (15 Minuten gültig, nur einmal).`,
                'Was ein Gesetz uns aufzubewahren verpflichtet (z. B. Rechnungen, § 147 AO), sperren wir, statt es zu löschen.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: `Confirm the erasure: ${code}`,
              text: [
                hello(l),
                '',
                'please confirm that we should erase your data. Erasure cannot be undone.',
                `Your confirmation code: ${code} (valid for 15 minutes, once only).`,
                'What a statute obliges us to keep (e.g. invoices, § 147 AO) is blocked instead of erased.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.extension,
      render: (_r, data) => {
        const l = lang(data);
        return l === 'de'
          ? {
              subject: 'Ihr Datenschutz-Antrag: verlängerte Frist',
              text: [
                hello(l),
                '',
                `wir benötigen für Ihren Antrag auf ${typeName(data, l)} mehr Zeit und verlängern die Frist nach Art. 12 Abs. 3 DSGVO bis zum ${date(data.dueAt, l)}.`,
                'Den Grund erfahren Sie auf Nachfrage jederzeit; Sie können sich auch an die Aufsichtsbehörde wenden.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: 'Your data protection request: extended deadline',
              text: [
                hello(l),
                '',
                `we need more time for your request for ${typeName(data, l)} and extend the deadline under Art. 12(3) GDPR to ${date(data.dueAt, l)}.`,
                'We tell you the reason whenever you ask; you may also contact the supervisory authority.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.refusal,
      render: (_r, data) => {
        const l = lang(data);
        const reason = REFUSALS[data.reason as RefusalReason]?.[l] ?? '';
        return l === 'de'
          ? {
              subject: 'Ihr Datenschutz-Antrag',
              text: [
                hello(l),
                '',
                `wir werden Ihrem Antrag auf ${typeName(data, l)} nicht nachkommen. ${reason}`,
                `Sie haben das Recht, sich bei einer Aufsichtsbehörde zu beschweren (Art. 77 DSGVO), etwa bei: ${authority}, und einen gerichtlichen Rechtsbehelf einzulegen (Art. 79 DSGVO).`,
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: 'Your data protection request',
              text: [
                hello(l),
                '',
                `we will not act on your request for ${typeName(data, l)}. ${reason}`,
                `You have the right to lodge a complaint with a supervisory authority (Art. 77 GDPR), for instance: ${authority}, and to seek a judicial remedy (Art. 79 GDPR).`,
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.erasureScheduled,
      render: (_r, data) => {
        const l = lang(data);
        const when = data.waitUntil
          ? l === 'de'
            ? `am ${date(data.waitUntil, l)}, nach Ablauf der Widerrufsfrist Ihrer Bestellung`
            : `on ${date(data.waitUntil, l)}, after the withdrawal period of your order has ended`
          : l === 'de'
            ? 'sobald Ihre Bestellung zugestellt und die Widerrufsfrist abgelaufen ist'
            : 'as soon as your order has been delivered and its withdrawal period has ended';
        return l === 'de'
          ? {
              subject: 'Ihre Löschung ist vorgemerkt',
              text: [
                hello(l),
                '',
                'Sie haben die Löschung Ihrer Daten bestätigt. Eine Bestellung ist noch unterwegs oder in der Widerrufsfrist; damit Zustellung und Rückgabe funktionieren, löschen wir ' +
                  `${when}. Das geschieht automatisch; wir bestätigen es Ihnen per E-Mail.`,
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: 'Your erasure is scheduled',
              text: [
                hello(l),
                '',
                'You confirmed the erasure of your data. An order is still on its way or within its withdrawal period; so that delivery and returns work, we erase ' +
                  `${when}. This happens by itself; we confirm it to you by email.`,
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.erasureDone,
      render: (_r, data) => {
        const l = lang(data);
        const kept = Number(data.kept ?? 0);
        return l === 'de'
          ? {
              subject: 'Ihre Daten sind gelöscht',
              text: [
                hello(l),
                '',
                'wir haben Ihre Daten gelöscht und die Empfänger, die Daten von uns erhalten hatten, informiert (Art. 19 DSGVO).',
                kept > 0
                  ? `${kept} Datensätze (z. B. Rechnungen) müssen wir aufgrund gesetzlicher Aufbewahrungspflichten behalten; sie sind gesperrt und werden nach Fristablauf gelöscht.`
                  : 'Nichts davon müssen wir aufbewahren.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: 'Your data has been erased',
              text: [
                hello(l),
                '',
                'we erased your data and informed the recipients that had received data from us (Art. 19 GDPR).',
                kept > 0
                  ? `${kept} records (such as invoices) must be kept under statutory retention duties; they are blocked and erased when the period ends.`
                  : 'None of it had to be kept.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
    {
      id: REQUEST_NOTICES.restrictionLift,
      render: (_r, data) => {
        const l = lang(data);
        return l === 'de'
          ? {
              subject: 'Aufhebung der Einschränkung Ihrer Daten',
              text: [
                hello(l),
                '',
                `die Einschränkung der Verarbeitung Ihrer Daten (Art. 18 DSGVO) wird am ${date(data.liftOn, l)} aufgehoben (Art. 18 Abs. 3 DSGVO).`,
                'Wenn Sie damit nicht einverstanden sind, antworten Sie bitte vorher.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            }
          : {
              subject: 'Lifting the restriction of your data',
              text: [
                hello(l),
                '',
                `the restriction of the processing of your data (Art. 18 GDPR) will be lifted on ${date(data.liftOn, l)} (Art. 18(3) GDPR).`,
                'If you do not agree, please reply before then.',
                '',
                ref(data, l),
                '',
                sign(l),
              ].join('\n'),
            };
      },
    },
  ];
}
