import { notBlockedClause } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import type {
  NoticeData,
  NoticeLocale,
  NoticeRecipient,
  NoticeTemplate,
  RenderedNotice,
} from '../notifications/index.js';
import { isUuid } from './order-reader.js';

/** The notices of an order (template ids). Each is enqueued with the recipient `{ kind: 'order', id }`. */
export const ORDER_NOTICES = {
  confirmation: 'orders.confirmation',
  paymentReceived: 'orders.payment-received',
  paymentReminder: 'orders.payment-reminder',
  shipped: 'orders.shipped',
  cancelled: 'orders.cancelled',
  refund: 'orders.refund',
  returnReceived: 'orders.return-received',
} as const;

/** Notices about an order go to its buyer: the guest's email or the account's, read at sending time. */
export const ORDER_RECIPIENT = 'order';

/** What a template knows of the order, read with the recipient when the notice is sent. */
export interface OrderNoticeDetails {
  number: string;
  placedAt: Date;
  currency: string;
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  paymentMethod: string;
  /** A consumer's order (gross prices); a business customer's has net prices and no right of withdrawal. */
  consumer: boolean;
  shippingCents: number;
  lines: {
    lineNo: number;
    sku: string;
    name: string;
    quantity: number;
    lineTotalCents: number;
    vatRateBp: number;
    vatCents: number;
  }[];
}

/**
 * The buyer of an order as a notice recipient; null when the order is gone or blocked (an erasure
 * request): then nothing is sent.
 */
export async function resolveOrderRecipient(
  id: string,
  manager: EntityManager,
): Promise<NoticeRecipient | null> {
  if (!isUuid(id)) return null;
  const rows: {
    subject_id: string;
    email: string | null;
    locale: NoticeLocale;
    billing_first_name: string;
    billing_last_name: string;
    number: string;
    placed_at: Date;
    currency: string;
    subtotal_cents: number;
    vat_cents: number;
    total_cents: number;
    payment_method: string;
    prices_include_vat: boolean;
    shipping_cents: number;
    lines: OrderNoticeDetails['lines'];
  }[] = await manager.query(
    `select o.subject_id, coalesce(o.guest_email, c.email) as email, o.locale,
            o.billing_first_name, o.billing_last_name, o.number, o.placed_at, o.currency,
            o.subtotal_cents, o.vat_cents, o.total_cents, o.payment_method, o.prices_include_vat,
            o.shipping_cents,
            (select coalesce(json_agg(json_build_object(
                      'lineNo', i.line_no, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                      'lineTotalCents', i.line_total_cents, 'vatRateBp', i.vat_rate_bp,
                      'vatCents', i.vat_cents) order by i.line_no), '[]')
               from order_item i where i.order_id = o.id) as lines
       from shop_order o
       left join customer c on c.id = o.customer_id
      where o.id = $1 and ${notBlockedClause('order', 'o.id')}`,
    [id],
  );
  const row = rows[0];
  if (!row?.email) return null;
  const details: OrderNoticeDetails = {
    number: row.number,
    placedAt: row.placed_at,
    currency: row.currency.trim(),
    subtotalCents: row.subtotal_cents,
    vatCents: row.vat_cents,
    totalCents: row.total_cents,
    paymentMethod: row.payment_method,
    consumer: row.prices_include_vat,
    shippingCents: row.shipping_cents,
    lines: row.lines,
  };
  return {
    subjectId: row.subject_id,
    email: row.email,
    displayName: `${row.billing_first_name} ${row.billing_last_name}`.trim() || null,
    locale: row.locale,
    details,
  };
}

/** The seller as the texts name it (the withdrawal instructions must name whom to tell). */
export interface Seller {
  name: string;
  address: string;
  email: string;
}

/** Public tracking pages of the carriers; the tracking number is appended. */
export const TRACKING_LINKS: Readonly<Record<string, string>> = {
  dhl: 'https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=',
  hermes: 'https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#',
  dpd: 'https://tracking.dpd.de/status/de_DE/parcel/',
};

/** The public tracking link of a parcel, or null for a carrier without one. */
export const trackingLink = (carrier: string, trackingNumber: string): string | null =>
  TRACKING_LINKS[carrier] ? `${TRACKING_LINKS[carrier]}${encodeURIComponent(trackingNumber)}` : null;

const money = (locale: NoticeLocale, cents: number, currency: string): string =>
  new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-IE', { style: 'currency', currency }).format(
    cents / 100,
  );

const date = (locale: NoticeLocale, value: Date | string): string =>
  new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Berlin',
  }).format(new Date(value));

const percent = (bp: number): string => `${(bp / 100).toLocaleString('de-DE')} %`;

const PAYMENT_METHOD_NAMES: Record<NoticeLocale, Record<string, string>> = {
  de: { card: 'Kreditkarte', paypal: 'PayPal', sepa_debit: 'SEPA-Lastschrift', invoice: 'Rechnung' },
  en: { card: 'card', paypal: 'PayPal', sepa_debit: 'SEPA direct debit', invoice: 'invoice' },
};

/**
 * The withdrawal instructions (Widerrufsbelehrung) after the statutory model of Anlage 1 to
 * Art. 246a § 1 Abs. 2 Satz 2 EGBGB, for goods, with the model withdrawal form (Anlage 2). The order
 * confirmation carries them: a consumer must receive them on a durable medium (§ 312f BGB).
 */
export function withdrawalInstructions(locale: NoticeLocale, seller: Seller): string {
  if (locale === 'en') {
    return [
      'RIGHT OF WITHDRAWAL (for consumers)',
      '',
      'You have the right to withdraw from this contract within 14 days without giving any reason.',
      'The withdrawal period will expire after 14 days from the day on which you acquire, or a third party other ' +
        'than the carrier and indicated by you acquires, physical possession of the goods (of the last goods, where ' +
        'you ordered several goods delivered separately).',
      `To exercise the right of withdrawal, you must inform us (${seller.name}, ${seller.address}, ` +
        `email: ${seller.email}) of your decision to withdraw from this contract by an unequivocal statement ` +
        '(e.g. a letter sent by post or an email). You may use the model withdrawal form below, but it is not ' +
        'obligatory. You can also declare the withdrawal in your customer account.',
      'To meet the withdrawal deadline, it is sufficient for you to send your communication concerning your ' +
        'exercise of the right of withdrawal before the withdrawal period has expired.',
      '',
      'Effects of withdrawal',
      'If you withdraw from this contract, we shall reimburse to you all payments received from you, including the ' +
        'costs of delivery (with the exception of the supplementary costs resulting from your choice of a type of ' +
        'delivery other than the least expensive type of standard delivery offered by us), without undue delay and ' +
        'in any event not later than 14 days from the day on which we are informed about your decision to withdraw. ' +
        'We will carry out such reimbursement using the same means of payment as you used for the initial ' +
        'transaction, unless you have expressly agreed otherwise; in any event, you will not incur any fees as a ' +
        'result of such reimbursement. We may withhold reimbursement until we have received the goods back or you ' +
        'have supplied evidence of having sent back the goods, whichever is the earliest.',
      `You shall send back the goods to us (${seller.name}, ${seller.address}) without undue delay and in any ` +
        'event not later than 14 days from the day on which you communicate your withdrawal from this contract to ' +
        'us. The deadline is met if you send back the goods before the period of 14 days has expired. You will ' +
        'have to bear the direct cost of returning the goods. You are only liable for any diminished value of the ' +
        'goods resulting from the handling other than what is necessary to establish the nature, characteristics ' +
        'and functioning of the goods.',
      '',
      'MODEL WITHDRAWAL FORM',
      '(complete and return this form only if you wish to withdraw from the contract)',
      `- To ${seller.name}, ${seller.address}, email: ${seller.email}:`,
      '- I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract of sale of the following goods (*)',
      '- Ordered on (*)/received on (*)',
      '- Name of consumer(s)',
      '- Address of consumer(s)',
      '- Signature of consumer(s) (only if this form is notified on paper)',
      '- Date',
      '(*) Delete as appropriate.',
    ].join('\n');
  }
  return [
    'WIDERRUFSBELEHRUNG (für Verbraucher)',
    '',
    'Widerrufsrecht',
    'Sie haben das Recht, binnen vierzehn Tagen ohne Angabe von Gründen diesen Vertrag zu widerrufen.',
    'Die Widerrufsfrist beträgt vierzehn Tage ab dem Tag, an dem Sie oder ein von Ihnen benannter Dritter, der ' +
      'nicht der Beförderer ist, die Waren (bei mehreren getrennt gelieferten Waren: die letzte Ware) in Besitz ' +
      'genommen haben bzw. hat.',
    `Um Ihr Widerrufsrecht auszuüben, müssen Sie uns (${seller.name}, ${seller.address}, ` +
      `E-Mail: ${seller.email}) mittels einer eindeutigen Erklärung (z. B. ein mit der Post versandter Brief oder ` +
      'eine E-Mail) über Ihren Entschluss, diesen Vertrag zu widerrufen, informieren. Sie können dafür das ' +
      'beigefügte Muster-Widerrufsformular verwenden, das jedoch nicht vorgeschrieben ist. Sie können den Widerruf ' +
      'auch in Ihrem Kundenkonto erklären.',
    'Zur Wahrung der Widerrufsfrist reicht es aus, dass Sie die Mitteilung über die Ausübung des Widerrufsrechts ' +
      'vor Ablauf der Widerrufsfrist absenden.',
    '',
    'Folgen des Widerrufs',
    'Wenn Sie diesen Vertrag widerrufen, haben wir Ihnen alle Zahlungen, die wir von Ihnen erhalten haben, ' +
      'einschließlich der Lieferkosten (mit Ausnahme der zusätzlichen Kosten, die sich daraus ergeben, dass Sie ' +
      'eine andere Art der Lieferung als die von uns angebotene, günstigste Standardlieferung gewählt haben), ' +
      'unverzüglich und spätestens binnen vierzehn Tagen ab dem Tag zurückzuzahlen, an dem die Mitteilung über ' +
      'Ihren Widerruf dieses Vertrags bei uns eingegangen ist. Für diese Rückzahlung verwenden wir dasselbe ' +
      'Zahlungsmittel, das Sie bei der ursprünglichen Transaktion eingesetzt haben, es sei denn, mit Ihnen wurde ' +
      'ausdrücklich etwas anderes vereinbart; in keinem Fall werden Ihnen wegen dieser Rückzahlung Entgelte ' +
      'berechnet. Wir können die Rückzahlung verweigern, bis wir die Waren wieder zurückerhalten haben oder bis ' +
      'Sie den Nachweis erbracht haben, dass Sie die Waren zurückgesandt haben, je nachdem, welches der frühere ' +
      'Zeitpunkt ist.',
    `Sie haben die Waren unverzüglich und in jedem Fall spätestens binnen vierzehn Tagen ab dem Tag, an dem Sie ` +
      `uns über den Widerruf dieses Vertrags unterrichten, an uns (${seller.name}, ${seller.address}) ` +
      'zurückzusenden oder zu übergeben. Die Frist ist gewahrt, wenn Sie die Waren vor Ablauf der Frist von ' +
      'vierzehn Tagen absenden. Sie tragen die unmittelbaren Kosten der Rücksendung der Waren. Sie müssen für ' +
      'einen etwaigen Wertverlust der Waren nur aufkommen, wenn dieser Wertverlust auf einen zur Prüfung der ' +
      'Beschaffenheit, Eigenschaften und Funktionsweise der Waren nicht notwendigen Umgang mit ihnen zurückzuführen ist.',
    '',
    'MUSTER-WIDERRUFSFORMULAR',
    '(Wenn Sie den Vertrag widerrufen wollen, dann füllen Sie bitte dieses Formular aus und senden Sie es zurück.)',
    `- An ${seller.name}, ${seller.address}, E-Mail: ${seller.email}:`,
    '- Hiermit widerrufe(n) ich/wir (*) den von mir/uns (*) abgeschlossenen Vertrag über den Kauf der folgenden Waren (*)',
    '- Bestellt am (*)/erhalten am (*)',
    '- Name des/der Verbraucher(s)',
    '- Anschrift des/der Verbraucher(s)',
    '- Unterschrift des/der Verbraucher(s) (nur bei Mitteilung auf Papier)',
    '- Datum',
    '(*) Unzutreffendes streichen.',
  ].join('\n');
}

const num = (data: NoticeData, key: string): number => (typeof data[key] === 'number' ? data[key] : 0);
const str = (data: NoticeData, key: string): string => (typeof data[key] === 'string' ? data[key] : '');

/** Renders for the recipient's language, with the order's details; the same frame for every notice. */
function orderTemplate(
  id: string,
  seller: Seller,
  body: (
    locale: NoticeLocale,
    order: OrderNoticeDetails,
    data: NoticeData,
  ) => { subject: string; lines: string[] },
): NoticeTemplate {
  return {
    id,
    render: (recipient, data): RenderedNotice => {
      const locale = recipient.locale ?? 'de';
      const order = recipient.details as OrderNoticeDetails;
      const content = body(locale, order, data);
      const greeting =
        locale === 'de'
          ? recipient.displayName
            ? `Guten Tag ${recipient.displayName},`
            : 'Guten Tag,'
          : recipient.displayName
            ? `Dear ${recipient.displayName},`
            : 'Hello,';
      const signature =
        locale === 'de' ? `Mit freundlichen Grüßen\n${seller.name}` : `Kind regards\n${seller.name}`;
      return {
        subject: content.subject,
        text: [greeting, '', ...content.lines, '', signature, seller.address, seller.email].join('\n'),
      };
    },
  };
}

function itemLines(locale: NoticeLocale, order: OrderNoticeDetails): string[] {
  const m = (c: number): string => money(locale, c, order.currency);
  // Consumers see gross line prices (VAT included), business customers net ones (VAT added).
  const vatWord = locale === 'de' ? (order.consumer ? 'inkl.' : 'zzgl.') : order.consumer ? 'incl.' : 'plus';
  const lines = order.lines.map(
    (l) =>
      `${l.quantity} × ${l.name} (${l.sku}): ${m(l.lineTotalCents)} ` +
      `(${vatWord} ${percent(l.vatRateBp)} ${locale === 'de' ? 'USt.' : 'VAT'}: ${m(l.vatCents)})`,
  );
  const shipping =
    order.shippingCents > 0 ? [`${locale === 'de' ? 'Versand' : 'Shipping'}: ${m(order.shippingCents)}`] : [];
  return locale === 'de'
    ? [
        ...lines,
        ...shipping,
        `Zwischensumme (netto): ${m(order.subtotalCents)}`,
        `Umsatzsteuer: ${m(order.vatCents)}`,
        `Gesamtbetrag: ${m(order.totalCents)}`,
      ]
    : [
        ...lines,
        ...shipping,
        `Subtotal (net): ${m(order.subtotalCents)}`,
        `VAT: ${m(order.vatCents)}`,
        `Total: ${m(order.totalCents)}`,
      ];
}

/** Consumers get the withdrawal instructions; a business customer has no statutory right of withdrawal. */
const withdrawalSection = (locale: NoticeLocale, order: OrderNoticeDetails, seller: Seller): string =>
  order.consumer
    ? withdrawalInstructions(locale, seller)
    : locale === 'de'
      ? 'Sie haben als Unternehmer bestellt; das gesetzliche Widerrufsrecht für Verbraucher (§ 355 BGB) gilt nicht.'
      : 'You ordered as a business; the statutory right of withdrawal for consumers (§ 355 BGB) does not apply.';

/**
 * The order notices in German and English. They carry no token, password or payment data; the
 * confirmation carries the withdrawal instructions (consumers' right under § 355 BGB).
 */
export function orderNotices(seller: Seller): NoticeTemplate[] {
  return [
    orderTemplate(ORDER_NOTICES.confirmation, seller, (locale, order) => {
      const method = PAYMENT_METHOD_NAMES[locale][order.paymentMethod] ?? order.paymentMethod;
      return locale === 'de'
        ? {
            subject: `Ihre Bestellung ${order.number}`,
            lines: [
              `vielen Dank für Ihre Bestellung vom ${date(locale, order.placedAt)}. Wir haben sie unter der Nummer ` +
                `${order.number} erhalten.`,
              '',
              ...itemLines(locale, order),
              `Zahlungsart: ${method}`,
              '',
              withdrawalSection(locale, order, seller),
            ],
          }
        : {
            subject: `Your order ${order.number}`,
            lines: [
              `Thank you for your order of ${date(locale, order.placedAt)}. We have received it as number ` +
                `${order.number}.`,
              '',
              ...itemLines(locale, order),
              `Payment method: ${method}`,
              '',
              withdrawalSection(locale, order, seller),
            ],
          };
    }),
    orderTemplate(ORDER_NOTICES.paymentReceived, seller, (locale, order, data) => {
      const amount = money(locale, num(data, 'amountCents') || order.totalCents, order.currency);
      return locale === 'de'
        ? {
            subject: `Zahlung erhalten: Bestellung ${order.number}`,
            lines: [
              `wir haben Ihre Zahlung über ${amount} für die Bestellung ${order.number} erhalten. ` +
                'Wir bereiten den Versand vor.',
            ],
          }
        : {
            subject: `Payment received: order ${order.number}`,
            lines: [
              `We have received your payment of ${amount} for order ${order.number}. We are preparing the shipment.`,
            ],
          };
    }),
    orderTemplate(ORDER_NOTICES.paymentReminder, seller, (locale, order, data) => {
      const amount = money(locale, num(data, 'amountCents') || order.totalCents, order.currency);
      const level = num(data, 'level') || 1;
      const due = str(data, 'dueDate');
      const reference = str(data, 'paymentReference') || order.number;
      return locale === 'de'
        ? {
            subject: `${level === 1 ? 'Zahlungserinnerung' : `${level}. Mahnung`}: Bestellung ${order.number}`,
            lines: [
              `für Ihre Bestellung ${order.number} haben wir noch keine Zahlung über ${amount} erhalten.`,
              due
                ? `Bitte überweisen Sie den Betrag bis zum ${date(locale, due)}.`
                : 'Bitte überweisen Sie den Betrag.',
              `Verwendungszweck: ${reference}`,
              'Haben Sie bereits gezahlt, betrachten Sie diese Nachricht bitte als gegenstandslos.',
            ],
          }
        : {
            subject: `${level === 1 ? 'Payment reminder' : `Reminder ${level}`}: order ${order.number}`,
            lines: [
              `We have not yet received your payment of ${amount} for order ${order.number}.`,
              due ? `Please transfer the amount by ${date(locale, due)}.` : 'Please transfer the amount.',
              `Payment reference: ${reference}`,
              'If you have already paid, please disregard this message.',
            ],
          };
    }),
    orderTemplate(ORDER_NOTICES.shipped, seller, (locale, order, data) => {
      const carrier = str(data, 'carrier');
      const tracking = str(data, 'trackingNumber');
      const link = tracking ? trackingLink(carrier, tracking) : null;
      const carrierName = { dhl: 'DHL', hermes: 'Hermes', dpd: 'DPD' }[carrier] ?? carrier;
      return locale === 'de'
        ? {
            subject: `Ihre Bestellung ${order.number} ist unterwegs`,
            lines: [
              `Ihre Bestellung ${order.number} wurde an ${carrierName} übergeben.`,
              tracking ? `Sendungsnummer: ${tracking}` : '',
              link ? `Sendungsverfolgung: ${link}` : '',
            ].filter((l) => l !== ''),
          }
        : {
            subject: `Your order ${order.number} is on its way`,
            lines: [
              `Your order ${order.number} has been handed to ${carrierName}.`,
              tracking ? `Tracking number: ${tracking}` : '',
              link ? `Track your parcel: ${link}` : '',
            ].filter((l) => l !== ''),
          };
    }),
    orderTemplate(ORDER_NOTICES.cancelled, seller, (locale, order, data) => {
      const initiator = str(data, 'initiator');
      const paid = data.refunded === true;
      if (locale === 'de') {
        const why =
          initiator === 'timeout'
            ? 'Die Zahlung ist nicht innerhalb der vorgesehenen Zeit eingegangen; die Bestellung wurde daher storniert und die Ware wieder freigegeben.'
            : initiator === 'customer'
              ? 'Sie haben die Bestellung storniert.'
              : 'Wir mussten die Bestellung leider stornieren.';
        return {
          subject: `Stornierung: Bestellung ${order.number}`,
          lines: [
            `Ihre Bestellung ${order.number} ist storniert.`,
            why,
            paid
              ? `Den gezahlten Betrag von ${money(locale, order.totalCents, order.currency)} erstatten wir auf dem Zahlungsweg, den Sie genutzt haben.`
              : 'Es wurde nichts von Ihnen abgebucht.',
          ],
        };
      }
      const why =
        initiator === 'timeout'
          ? 'We did not receive the payment in time, so the order was cancelled and the goods released.'
          : initiator === 'customer'
            ? 'You cancelled the order.'
            : 'Unfortunately we had to cancel the order.';
      return {
        subject: `Cancelled: order ${order.number}`,
        lines: [
          `Your order ${order.number} has been cancelled.`,
          why,
          paid
            ? `We refund the ${money(locale, order.totalCents, order.currency)} you paid, to the payment method you used.`
            : 'Nothing has been charged.',
        ],
      };
    }),
    orderTemplate(ORDER_NOTICES.refund, seller, (locale, order, data) => {
      // A refund of some lines names its amount and VAT; without them the whole order is refunded.
      const partial = typeof data.amountCents === 'number';
      const amount = money(locale, partial ? num(data, 'amountCents') : order.totalCents, order.currency);
      const vat = money(locale, partial ? num(data, 'vatCents') : order.vatCents, order.currency);
      return locale === 'de'
        ? {
            subject: `Erstattung: Bestellung ${order.number}`,
            lines: [
              `wir erstatten Ihnen ${amount} (darin enthalten ${vat} Umsatzsteuer) für die Bestellung ${order.number}.`,
              'Der Betrag wird auf dem Zahlungsweg gutgeschrieben, den Sie genutzt haben; je nach Bank dauert das einige Tage.',
            ],
          }
        : {
            subject: `Refund: order ${order.number}`,
            lines: [
              `We are refunding ${amount} (including ${vat} VAT) for order ${order.number}.`,
              'It goes back to the payment method you used; depending on your bank this takes a few days.',
            ],
          };
    }),
    orderTemplate(ORDER_NOTICES.returnReceived, seller, (locale, order) =>
      locale === 'de'
        ? {
            subject: `Rücksendung eingegangen: Bestellung ${order.number}`,
            lines: [
              `Ihre Rücksendung zur Bestellung ${order.number} ist bei uns eingegangen.`,
              'Wir prüfen die Ware und erstatten Ihnen den Betrag spätestens 14 Tage nach Eingang Ihres Widerrufs.',
            ],
          }
        : {
            subject: `Return received: order ${order.number}`,
            lines: [
              `We have received your return for order ${order.number}.`,
              'We are inspecting the goods and will refund you within 14 days of receiving your withdrawal.',
            ],
          },
    ),
  ];
}
