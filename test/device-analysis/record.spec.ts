import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { lintRegistry, renderArt30Record, type ActivityDeclaration } from '@app/privacy';
import { collectDeclarations } from '../../scripts/privacy-declarations.js';

/** What `npm run privacy:record` prints about the device analysis, and what the linter demands of it. */
describe('Art. 30 record: device analysis', () => {
  it('shows both activities with consent and Art. 9(2)(a), special category and the DPIA link', async () => {
    const { controller, activities, recipients, personalDataFields } = await collectDeclarations();
    const md = renderArt30Record({ controller, activities, recipients, generatedAt: new Date() }, 'md');
    for (const id of ['device-analysis', 'device-improvement']) {
      const line = md.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${id}\``));
      expect(line).toBeDefined();
      expect(line).toContain('Art. 6(1)(a) and Art. 9(2)(a)');
      expect(line).toMatch(/\| yes \|/);
      expect(line).toContain('required: docs/dpia/device-analysis.md');
    }
    // The linked assessment exists and covers Art. 35(7) (a)-(d).
    expect(existsSync('docs/dpia/device-analysis.md')).toBe(true);
    const dpia = readFileSync('docs/dpia/device-analysis.md', 'utf8');
    for (const heading of [
      '(a) Description',
      '(b) Necessity and proportionality',
      '(c) Risks',
      '(d) Measures',
    ])
      expect(dpia).toContain(heading);

    const errors = lintRegistry({ activities, recipients, personalDataFields }).filter(
      (f) => f.severity === 'error',
    );
    expect(errors.filter((e) => e.message.includes('device-'))).toEqual([]);

    // Without the DPIA reference or without the Art. 9(2) condition the linter refuses the activity.
    const device = activities.find((a) => a.id === 'device-analysis') as ActivityDeclaration;
    const withoutDpia = { ...device, dpiaReference: undefined } as ActivityDeclaration;
    const withoutArt9 = { ...device, art9Condition: undefined } as ActivityDeclaration;
    for (const [broken, rule] of [
      [withoutDpia, 'special-category-without-dpia'],
      [withoutArt9, 'special-category-without-art9'],
    ] as const) {
      const findings = lintRegistry({
        activities: activities.map((a) => (a.id === device.id ? broken : a)),
        recipients,
        personalDataFields,
      });
      expect(findings.some((f) => f.severity === 'error' && f.rule === rule)).toBe(true);
    }
  });
});
