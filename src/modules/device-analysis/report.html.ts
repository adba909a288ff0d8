import type { AnalysisView } from './analyses.service.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attributes. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const row = (label: string, value: unknown, note = ''): string =>
  `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td><td>${escapeHtml(note)}</td></tr>`;

/**
 * The printable report for the practice. Every value is escaped, whatever its origin (the reference is
 * the device's input); the page loads nothing from elsewhere and the response carries a CSP that
 * forbids scripts.
 */
export function renderReport(view: AnalysisView): string {
  const r = view.result;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Skin analysis ${escapeHtml(view.subjectReference)}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #111; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
.note { font-size: 0.9em; color: #333; max-width: 45em; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>Skin analysis</h1>
<table>
${row('Reference', view.subjectReference)}
${row('Analysis', view.id)}
${row('Captured', view.createdAt)}
${row('Gender', view.gender)}
${row('Age', view.age)}
</table>
<h2>Metrics</h2>
<table>
<thead><tr><th>Metric</th><th>Value</th><th>Meaning</th></tr></thead>
<tbody>
${row('ITA°', r.itaDeg, `Individual Typology Angle; skin tone class: ${r.skinTone}`)}
${row('L* a* b*', `${r.lab.l} / ${r.lab.a} / ${r.lab.b}`, 'Mean CIELAB colour of the region analysed')}
${row('Redness (a*)', r.redness, 'Higher is redder')}
${row('Evenness', `${r.evenness} / 100`, `100 is a perfectly even tone (L* standard deviation ${r.lStdDev})`)}
${row('Dark spots', r.darkSpots.count, `${r.darkSpots.areaPct} % of the region analysed`)}
${row('Region analysed', `${r.skinRegion.coveragePct} % of the image`, `Algorithm ${r.algorithm}`)}
</tbody>
</table>
<p class="note">These figures describe the colour of the skin in this one photo, under the light it was taken in.
They are not a diagnosis and do not replace a doctor's examination.</p>
</body>
</html>
`;
}
