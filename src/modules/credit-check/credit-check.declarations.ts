import { defineActivity } from '@app/privacy';

export const CREDIT_CHECK_ACTIVITY_ID = 'credit-check';
export const CREDIT_AGENCY_RECIPIENT_ID = 'credit-agency';

/**
 * Everything the credit agency may ever receive, in the names of CreditAgencyRequest. The Discloser
 * refuses a payload with any other field; `dateOfBirth` is on the list but sent only when the agency
 * demands it (see the disclosure's purpose below).
 */
export const CREDIT_AGENCY_ALLOW_LIST = [
  'reference',
  'firstName',
  'lastName',
  'street',
  'houseNumber',
  'postalCode',
  'city',
  'country',
  'dateOfBirth',
] as const;

/** The data categories of this module's own columns (`@PersonalData`). */
export const CREDIT_CHECK_CATEGORIES = {
  result: 'credit-check.result',
  review: 'credit-check.review',
} as const;

/** The most days the registry promises; CREDIT_CHECK_RETENTION_DAYS may only shorten it. */
export const CREDIT_CHECK_MAX_RETENTION_DAYS = 90;

export const CREDIT_CHECK = defineActivity({
  id: CREDIT_CHECK_ACTIVITY_ID,
  name: 'Credit check before payment by SEPA direct debit or invoice',
  owner: 'Finance / accounts receivable',
  purposes: [
    'Protect the shop from payment default where it delivers before it is paid (SEPA direct debit, invoice)',
    'Decide whether an order may be paid by SEPA direct debit or invoice, with a human review on request',
  ],
  legalBasis: '6(1)(f)',
  legitimateInterestAssessment:
    'Interest: when the shop delivers against SEPA direct debit or invoice it carries the risk that the money ' +
    'never arrives (returned debits, unpaid invoices); avoiding that loss is a legitimate economic interest ' +
    '(recital 47). Necessity: there is no milder way to judge that risk before delivery than to ask a credit ' +
    'agency; card and PayPal carry no such risk, so orders paid that way are never checked, and neither are ' +
    'orders below a configured amount (CREDIT_CHECK_MIN_AMOUNT_CENTS, 50 EUR by default), whose risk the shop ' +
    'carries itself. Minimisation: the agency receives only the billing name and address and a reference ' +
    'number; the date of birth only when the agency says it cannot identify the person otherwise and the ' +
    'person chose to give it; the shop keeps only the traffic light, the score, the agency and the time, for at ' +
    'most 90 days. Balancing: the person chose a payment method that gives them credit and expects it to be ' +
    'checked (the checkout says so before any data is sent); a negative result has a limited effect because ' +
    'card and PayPal are always offered for the same order, the person can contest it and have a member of ' +
    'staff review it (Art. 22(3); CJEU C-634/21), and an objection (Art. 21) stops all further checks. The ' +
    "person's interests therefore do not override the shop's interest. Global Privacy Control: a request " +
    'carrying `Sec-GPC: 1` is an objection by automated means (Art. 21(5)) to this optional processing. The check ' +
    'is not necessary for the contract, because card and PayPal are always available for the same order, so the ' +
    'shop does not claim compelling grounds: with the signal no check runs and nothing is sent to the agency; ' +
    'SEPA direct debit and invoice are declined politely and card and PayPal are offered.',
  dataSubjects: ['customers', 'guests'],
  dataCategories: [
    {
      id: 'identity.name',
      description: 'First and last name of the billing address',
      collection: 'mandatory',
      reason: 'The credit agency identifies the person by name and address.',
    },
    {
      id: 'address.billing',
      description: 'Billing address: street, house number, postcode, town, country',
      collection: 'mandatory',
      reason: 'The credit agency identifies the person by name and address.',
    },
    {
      id: 'identity.date-of-birth',
      description: 'Date of birth, asked at the payment step only when the agency needs it; not stored',
      collection: 'voluntary',
      reason:
        'Some people cannot be identified by name and address alone (a common name, a recent move). Giving the ' +
        'date of birth is voluntary: without it the order can still be paid by card or PayPal.',
    },
    {
      id: 'credit-check.result',
      description:
        "The agency's answer: traffic light (green, yellow, red), score where given, agency and its reference, " +
        'time of the check, and the decision taken on it',
      collection: 'not-collected-from-subject',
    },
    {
      id: 'credit-check.review',
      description:
        "A human review of a declined check: the person's comment, the reviewer, the decision and its written reason",
      collection: 'voluntary',
      reason: 'Asked for only when the person contests a declined check; the comment is optional.',
    },
  ],
  source: {
    kind: 'third-party',
    name:
      'the credit agency (traffic light and score); name, address and date of birth are given by the person at ' +
      'checkout',
  },
  disclosures: [
    {
      recipient: 'credit-agency',
      fields: [...CREDIT_AGENCY_ALLOW_LIST],
      purpose:
        'Credit check before SEPA direct debit or invoice: the agency identifies the person and answers with a ' +
        'traffic light. dateOfBirth is sent only on a second request, when the agency answered that it cannot ' +
        'identify the person by name and address and the person gave it voluntarily at the payment step.',
    },
  ],
  processors: ['hosting-provider'],
  retention: [
    {
      kind: 'duration',
      days: CREDIT_CHECK_MAX_RETENTION_DAYS,
      description:
        'The result and any review are erased 90 days after the check at the latest (CREDIT_CHECK_RETENTION_DAYS ' +
        'may shorten it); each stored check carries its own erasure date. The date of birth is never stored.',
    },
  ],
  measures: [
    'Checks only for SEPA direct debit and invoice and only above a configured amount; enforced in code, not by staff',
    'A request with Sec-GPC: 1 runs no check (the processing guard refuses it) and is offered card and PayPal',
    "Data leaves only through the kernel's Discloser: fields outside the allow-list fail closed, every disclosure is logged",
    'The date of birth is sent only when the agency demands it and is never written to the database or the logs',
    'Encrypted transport (TLS) to the agency, authenticated with an API key kept outside the code',
    'No personal data in logs, error answers or URLs; agency errors are reported by status only',
    'Human review only by staff with the support or privacy-officer role; every review read and decision is in the hash-chained audit log',
    'An objection (Art. 21) or a restriction (Art. 18) is checked before every check: no request is sent',
    'Results erased by the retention sweep on their erasure date, or at once on an erasure request (no statutory retention)',
  ],
  automatedDecision: {
    description:
      'Whether an order may be paid by SEPA direct debit or invoice is decided automatically from the credit ' +
      "agency's traffic light; the shop relies on the agency's score for that decision (CJEU C-634/21, SCHUFA).",
    logic:
      'Only orders paid by SEPA direct debit or invoice at or above CREDIT_CHECK_MIN_AMOUNT_CENTS (default 50 EUR) ' +
      'are checked. Data used: billing name and address (date of birth only when the agency needs it). The ' +
      'agency answers green, yellow or red, from its records of payment behaviour, with a score where it gives ' +
      'one. Green: the method is allowed. Yellow: allowed up to CREDIT_CHECK_YELLOW_MAX_CENTS (default 200 EUR), ' +
      'declined above. Red, or no answer from the agency: declined. The Art. 15 answer states the amounts in ' +
      'force at the time of the request.',
    significance:
      'A decline means the order cannot be paid by SEPA direct debit or invoice unless a member of staff ' +
      'overturns it; the order itself stays open and can be paid by card or PayPal. No other decision is taken ' +
      'on the result, and it is not used for any other purpose.',
    safeguards: [
      'Card and PayPal are always offered instead of a declined method, for the same order',
      'The person can contest the decision and ask for a human review, with a comment (Art. 22(3))',
      'Staff with the support or privacy-officer role review it and decide with a written reason; the decision is audited',
      'An objection (Art. 21) stops all further checks; the person is then offered only card and PayPal',
      "The Art. 15 answer includes every stored check, the agency's answer and this logic",
    ],
  },
});
