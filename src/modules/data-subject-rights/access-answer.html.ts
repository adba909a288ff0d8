import type { AccessAnswer } from '@app/privacy';
import type { Lang } from './privacy-request.dto.js';

const escape = (value: string | number | null | undefined): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const LABELS = {
  de: {
    title: 'Auskunft nach Art. 15 DSGVO',
    generated: 'Erstellt am',
    controller: 'Verantwortlicher',
    purposes: 'Zwecke und Rechtsgrundlagen (Art. 15 Abs. 1 lit. a)',
    categories: 'Kategorien von Daten (lit. b)',
    recipientsActual: 'Empfänger, die Ihre Daten tatsächlich erhalten haben (lit. c)',
    recipientsDeclared: 'Empfänger, die Daten erhalten können (lit. c)',
    processors: 'Auftragsverarbeiter, die Ihre Daten für uns speichern (lit. c, Art. 28)',
    storage: 'Speicherdauer (lit. d)',
    blocked: 'Wegen gesetzlicher Pflichten gesperrt',
    rights: 'Ihre Rechte (lit. e)',
    complaint: 'Beschwerderecht (lit. f)',
    sources: 'Herkunft der Daten (lit. g)',
    automated: 'Automatisierte Entscheidungen und ihre Logik (lit. h)',
    transfers: 'Übermittlungen in Drittländer (Art. 15 Abs. 2)',
    consents: 'Einwilligungen',
    copy: 'Kopie Ihrer Daten (Art. 15 Abs. 3)',
    none: 'Keine.',
    when: 'Zeitpunkt',
    recipient: 'Empfänger',
    activity: 'Verarbeitung',
    fields: 'Felder',
    until: 'bis',
  },
  en: {
    title: 'Access under Art. 15 GDPR',
    generated: 'Generated on',
    controller: 'Controller',
    purposes: 'Purposes and legal bases (Art. 15(1)(a))',
    categories: 'Categories of data (b)',
    recipientsActual: 'Recipients that actually received your data (c)',
    recipientsDeclared: 'Recipients that may receive data (c)',
    processors: 'Processors that hold your data for us (c, Art. 28)',
    storage: 'Storage period (d)',
    blocked: 'Blocked under a statutory duty',
    rights: 'Your rights (e)',
    complaint: 'Right to complain (f)',
    sources: 'Source of the data (g)',
    automated: 'Automated decisions and their logic (h)',
    transfers: 'Transfers to third countries (Art. 15(2))',
    consents: 'Consents',
    copy: 'Copy of your data (Art. 15(3))',
    none: 'None.',
    when: 'When',
    recipient: 'Recipient',
    activity: 'Processing',
    fields: 'Fields',
    until: 'until',
  },
} as const;

const list = (items: string[], none: string): string =>
  items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p>${escape(none)}</p>`;

/** The Art. 15 answer as a page a person can read (German or English), every value escaped. */
export function renderAccessAnswerHtml(answer: AccessAnswer, lang: Lang): string {
  const l = LABELS[lang];
  const date = (d: Date | string): string =>
    new Date(d).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'Europe/Berlin' });
  const section = (title: string, body: string): string =>
    `<section><h2>${escape(title)}</h2>${body}</section>`;
  const c = answer.controller;
  const parts = [
    section(
      l.controller,
      `<p>${escape(c.name)}<br>${escape(c.address)}<br>${escape(c.contact)}${c.dpo ? `<br>${escape(c.dpo)}` : ''}</p>`,
    ),
    section(
      l.purposes,
      list(
        answer.purposes.map(
          (p) =>
            `<strong>${escape(p.name)}</strong>: ${escape(p.purposes.join('; '))}. ${escape(p.legalBasis)}` +
            (p.art9Condition ? `; ${escape(p.art9Condition)}` : '') +
            (p.legitimateInterests ? `<br><em>${escape(p.legitimateInterests)}</em>` : ''),
        ),
        l.none,
      ),
    ),
    section(
      l.categories,
      list(
        answer.categories.map((k) => escape(k.description)),
        l.none,
      ),
    ),
    section(
      l.recipientsActual,
      answer.recipients.actual.length
        ? `<table><tr><th>${l.when}</th><th>${l.recipient}</th><th>${l.activity}</th><th>${l.fields}</th></tr>${answer.recipients.actual
            .map(
              (r) =>
                `<tr><td>${escape(date(r.occurredAt))}</td><td>${escape(r.name)}</td><td>${escape(r.activity)}</td><td>${escape(r.fields.join(', '))}</td></tr>`,
            )
            .join('')}</table>`
        : `<p>${escape(l.none)}</p>`,
    ),
    section(
      l.recipientsDeclared,
      list(
        answer.recipients.declared.map(
          (r) =>
            `${escape(r.name)} (${escape(r.role)}, ${escape(r.country)}): ${escape(r.fields.join(', '))}`,
        ),
        l.none,
      ),
    ),
    section(
      l.storage,
      list(
        answer.storage.flatMap((s) => s.rules.map(escape)),
        l.none,
      ),
    ),
    section(
      l.blocked,
      list(
        answer.blocked.map(
          (b) => `${escape(b.recordType)}: ${escape(b.statute)}, ${l.until} ${escape(date(b.until))}`,
        ),
        l.none,
      ),
    ),
    section(l.rights, list(answer.rights.map(escape), l.none)),
    section(l.complaint, `<p>${escape(answer.complaint)}</p>`),
    section(
      l.sources,
      list(
        answer.sources.map((s) => escape(s.source)),
        l.none,
      ),
    ),
    section(
      l.automated,
      list(
        answer.automatedDecisions.map(
          (a) =>
            `<strong>${escape(a.description)}</strong><br>${escape(a.logic)}<br>${escape(a.significance)}` +
            list(a.safeguards.map(escape), l.none),
        ),
        l.none,
      ),
    ),
    section(
      l.transfers,
      list(
        answer.transfers.map((t) => `${escape(t.recipient)} (${escape(t.country)}): ${escape(t.safeguard)}`),
        l.none,
      ),
    ),
    section(
      l.consents,
      list(
        answer.consents.map(
          (k) =>
            `${escape(k.purpose)}: ${escape(k.action)} ${escape(date(k.occurredAt))} (${escape(k.wordingVersion)})`,
        ),
        l.none,
      ),
    ),
    section(
      l.copy,
      answer.copy.sections
        .filter((s) => s.records.length > 0)
        .map(
          (s) =>
            `<h3>${escape(s.exporter)}</h3>` +
            s.records
              .map(
                (r) =>
                  `<details><summary>${escape(r.recordType)} ${escape(r.recordId)}</summary><pre>${escape(
                    JSON.stringify(r.data, null, 2),
                  )}</pre></details>`,
              )
              .join(''),
        )
        .join('') || `<p>${escape(l.none)}</p>`,
    ),
  ];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(l.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}pre{white-space:pre-wrap}</style>
</head><body><h1>${escape(l.title)}</h1><p>${escape(l.generated)} ${escape(date(answer.generatedAt))}</p>
${parts.join('\n')}
</body></html>`;
}
