import { describe, expect, it } from '@jest/globals';
import { escapeHtml, renderReport } from './report.html.js';

describe('printable report', () => {
  it('escapes every value', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    const html = renderReport({
      id: '00000000-0000-4000-8000-000000000001',
      subjectReference: '<script>alert(1)</script>',
      createdAt: '2026-12-06T10:00:00.000Z',
      gender: 'female',
      age: 42,
      result: {
        algorithm: 'skin-metrics/1',
        skinRegion: { x: 0.1, y: 0.1, width: 0.5, height: 0.6, coveragePct: 30 },
        itaDeg: 35.2,
        skinTone: 'intermediate',
        lab: { l: 70, a: 12, b: 20 },
        redness: 12,
        evenness: 80,
        lStdDev: 4,
        darkSpots: { count: 3, areaPct: 1.2 },
      },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('35.2');
  });
});
