import { useTranslation } from 'react-i18next';

/** The parts of the Art. 30 record (GET /api/v1/admin/privacy/record) the picture is drawn from. */
export interface RecordActivity {
  id: string;
  name: string;
  legalBasis: { article: string; art9Condition?: { article: string } };
  dataCategories: { id: string; description: string; special: boolean }[];
  recipients: { id: string; name: string; thirdCountry: boolean; country: string | null }[];
  processors: { id: string; name: string; thirdCountry: boolean; country: string | null }[];
  thirdCountryTransfers: { recipient: string; country: string; mechanism: string | null }[];
}

/** One colour per legal basis of Art. 6(1) (a–f); anything else grey. */
export const BASIS_COLOURS: Record<string, string> = {
  '6(1)(a)': '#1c7ed6',
  '6(1)(b)': '#2f9e44',
  '6(1)(c)': '#e8590c',
  '6(1)(d)': '#ae3ec9',
  '6(1)(e)': '#0c8599',
  '6(1)(f)': '#b35c00',
};
const colourOf = (basis: string): string => BASIS_COLOURS[basis] ?? '#868e96';
const BASIS_NAMES: Record<string, string> = {
  '6(1)(a)': 'consent',
  '6(1)(b)': 'contract',
  '6(1)(c)': 'legal obligation',
  '6(1)(d)': 'vital interests',
  '6(1)(e)': 'public task',
  '6(1)(f)': 'legitimate interests',
};

const ROW = 30;
const BOX_H = 22;
const COL_W = 250;
const GAP = 170;
const clip = (s: string, n = 34): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The data map: processing activities (left, coloured by legal basis) → the data categories they
 * process (middle; special categories of Art. 9 with a thick red border and ⚠) → the recipients and
 * processors they disclose to (right; third countries marked). Drawn as plain SVG from the record:
 * no graph library needed for three columns.
 */
export function DataMap({ activities }: { activities: RecordActivity[] }) {
  const { t } = useTranslation();
  const categories = new Map<string, { id: string; description: string; special: boolean }>();
  const recipients = new Map<string, { id: string; name: string; third: boolean; country: string | null }>();
  for (const a of activities) {
    for (const c of a.dataCategories) {
      const known = categories.get(c.id);
      categories.set(c.id, { ...c, special: c.special || Boolean(known?.special) });
    }
    for (const r of [...a.recipients, ...a.processors]) {
      recipients.set(r.id, { id: r.id, name: r.name, third: r.thirdCountry, country: r.country });
    }
  }
  const cats = [...categories.values()].sort((x, y) => x.id.localeCompare(y.id));
  const recs = [...recipients.values()].sort((x, y) => x.name.localeCompare(y.name));
  const rows = Math.max(activities.length, cats.length, recs.length);
  const height = rows * ROW + 60;
  const x = [10, 10 + COL_W + GAP, 10 + 2 * (COL_W + GAP)];
  const width = x[2] + COL_W + 10;
  const yOf = (index: number, count: number) => 40 + index * ROW + ((rows - count) * ROW) / 2;
  const catY = new Map(cats.map((c, i) => [c.id, yOf(i, cats.length)]));
  const recY = new Map(recs.map((r, i) => [r.id, yOf(i, recs.length)]));
  const bases = [...new Set(activities.map((a) => a.legalBasis.article))].sort();

  return (
    <div className="data-map">
      <svg
        role="img"
        aria-labelledby="data-map-title data-map-desc"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        data-testid="data-map"
      >
        <title id="data-map-title">{t('Data map')}</title>
        <desc id="data-map-desc">
          {t('{{a}} processing activities, {{c}} data categories, {{r}} recipients', {
            a: activities.length,
            c: cats.length,
            r: recs.length,
          })}
        </desc>
        <text x={x[0]} y={20} fontWeight="bold">
          {t('Processing activities')}
        </text>
        <text x={x[1]} y={20} fontWeight="bold">
          {t('Data categories')}
        </text>
        <text x={x[2]} y={20} fontWeight="bold">
          {t('Recipients and processors')}
        </text>
        <g fill="none" strokeOpacity={0.45}>
          {activities.flatMap((a, i) => {
            const ay = yOf(i, activities.length) + BOX_H / 2;
            const colour = colourOf(a.legalBasis.article);
            return [
              ...a.dataCategories.map((c) => {
                const cy = (catY.get(c.id) ?? 0) + BOX_H / 2;
                return (
                  <path
                    key={`${a.id}>${c.id}`}
                    d={`M${x[0] + COL_W},${ay} C${x[0] + COL_W + GAP / 2},${ay} ${x[1] - GAP / 2},${cy} ${x[1]},${cy}`}
                    stroke={colour}
                  />
                );
              }),
              ...[...a.recipients, ...a.processors].map((r) => {
                const ry = (recY.get(r.id) ?? 0) + BOX_H / 2;
                return (
                  <path
                    key={`${a.id}>>${r.id}`}
                    d={`M${x[1] + COL_W},${ay} C${x[1] + COL_W + GAP / 2},${ay} ${x[2] - GAP / 2},${ry} ${x[2]},${ry}`}
                    stroke={colour}
                    strokeDasharray="4 3"
                  />
                );
              }),
            ];
          })}
        </g>
        {activities.map((a, i) => {
          const y = yOf(i, activities.length);
          return (
            <g key={a.id} data-activity={a.id} data-basis={a.legalBasis.article}>
              <title>{`${a.name} — ${a.legalBasis.article}${a.legalBasis.art9Condition ? ` + ${a.legalBasis.art9Condition.article}` : ''}`}</title>
              <rect
                x={x[0]}
                y={y}
                width={COL_W}
                height={BOX_H}
                rx={4}
                fill={colourOf(a.legalBasis.article)}
              />
              <text x={x[0] + 6} y={y + 15} fill="#fff">
                {clip(a.name)}
              </text>
            </g>
          );
        })}
        {cats.map((c) => {
          const y = catY.get(c.id) ?? 0;
          return (
            <g key={c.id} data-category={c.id} data-special={c.special ? 'true' : 'false'}>
              <title>{`${c.id}: ${c.description}${c.special ? ` (${t('special category, Art. 9')})` : ''}`}</title>
              <rect
                x={x[1]}
                y={y}
                width={COL_W}
                height={BOX_H}
                rx={4}
                fill={c.special ? '#fff5f5' : '#f8f9fa'}
                stroke={c.special ? '#e03131' : '#adb5bd'}
                strokeWidth={c.special ? 3 : 1}
              />
              <text x={x[1] + 6} y={y + 15} fill={c.special ? '#c92a2a' : '#212529'}>
                {c.special ? `⚠ ${clip(c.id, 30)} (Art. 9)` : clip(c.id)}
              </text>
            </g>
          );
        })}
        {recs.map((r) => {
          const y = recY.get(r.id) ?? 0;
          return (
            <g key={r.id} data-recipient={r.id} data-third-country={r.third ? 'true' : 'false'}>
              <title>{`${r.name} (${r.country ?? '?'})${r.third ? ` — ${t('third country')}` : ''}`}</title>
              <rect
                x={x[2]}
                y={y}
                width={COL_W}
                height={BOX_H}
                rx={4}
                fill="#fff"
                stroke={r.third ? '#f08c00' : '#495057'}
                strokeDasharray={r.third ? '5 2' : undefined}
              />
              <text x={x[2] + 6} y={y + 15} fill="#212529">
                {r.third
                  ? `↗ ${clip(`${r.name} (${r.country ?? '?'})`, 32)}`
                  : clip(`${r.name} (${r.country ?? '?'})`)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul aria-label={t('Legend')} className="data-map-legend">
        {bases.map((b) => (
          <li key={b}>
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" rx="3" fill={colourOf(b)} />
            </svg>{' '}
            {t('Art. {{article}} GDPR', { article: b })}: {t(BASIS_NAMES[b] ?? b)}
          </li>
        ))}
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <rect x="1.5" y="1.5" width="11" height="11" fill="#fff5f5" stroke="#e03131" strokeWidth="3" />
          </svg>{' '}
          ⚠ {t('Special category of personal data (Art. 9), thick red border')}
        </li>
        <li>
          <svg width="14" height="14" aria-hidden="true">
            <rect x="1" y="1" width="12" height="12" fill="#fff" stroke="#f08c00" strokeDasharray="3 1" />
          </svg>{' '}
          ↗ {t('Recipient in a third country (transfer, Art. 44 ff.)')}
        </li>
        <li>
          {t('Solid line: activity processes the category; dashed: activity discloses to the recipient')}
        </li>
      </ul>
    </div>
  );
}
