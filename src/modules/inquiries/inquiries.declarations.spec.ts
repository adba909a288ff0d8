import { describe, expect, it } from '@jest/globals';
import { lintRegistry } from '@app/privacy';
import { SHOP_RECIPIENTS } from '../../privacy/recipients.js';
import { INQUIRIES } from './inquiries.declarations.js';

describe('the registry declaration of inquiries', () => {
  it('passes the privacy linter', () => {
    expect(
      lintRegistry({ activities: [INQUIRIES], recipients: SHOP_RECIPIENTS }).filter((f) => f.activity),
    ).toEqual([]);
  });

  it('says that an inquiry is never passed to anyone: no recipient, no processor of its own', () => {
    // The privacy policy promises it ("never passed to third parties"). Adding a recipient here breaks
    // this test on purpose: the promise must change first.
    expect(INQUIRIES.disclosures).toEqual([]);
    expect(INQUIRIES.processors).toEqual([]);
  });

  it('lets the linter refuse a recipient added without an allow-list', () => {
    const leaky = { ...INQUIRIES, processors: ['dhl'] };
    expect(lintRegistry({ activities: [leaky], recipients: SHOP_RECIPIENTS }).map((f) => f.rule)).toEqual(
      expect.arrayContaining(['recipient-role-mismatch', 'recipient-without-allow-list']),
    );
  });

  it('is on Art. 6(1)(b) and ends with the handling or the withdrawal of the inquiry', () => {
    expect(INQUIRIES.legalBasis).toBe('6(1)(b)');
    expect(INQUIRIES.retention.map((r) => (r.kind === 'event' ? r.event : r.kind))).toEqual([
      'handled',
      'withdrawn',
    ]);
    expect(INQUIRIES.dataCategories.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'inquiry.name',
        'contact.email',
        'identity.company',
        'contact.phone',
        'inquiry.message',
        'product',
      ]),
    );
  });
});
