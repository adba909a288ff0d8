import { describe, expect, it } from '@jest/globals';
import { lintRegistry } from '@app/privacy';
import { SHOP_RECIPIENTS } from '../../privacy/recipients.js';
import { ACCESS_LOG } from './access-log.declarations.js';

describe('the registry declaration of the access log', () => {
  it('passes the privacy linter', () => {
    expect(
      lintRegistry({ activities: [ACCESS_LOG], recipients: SHOP_RECIPIENTS }).filter((f) => f.activity),
    ).toEqual([]);
  });

  it('rests on legitimate interests with a written balancing test and names the security grounds that override an objection', () => {
    expect(ACCESS_LOG.legalBasis).toBe('6(1)(f)');
    expect(ACCESS_LOG.legitimateInterestAssessment?.length).toBeGreaterThan(400);
    expect(ACCESS_LOG.legitimateInterestAssessment).toContain('C-582/14');
    expect(ACCESS_LOG.compellingGrounds).toMatch(/security/i);
  });

  it('declares what the privacy policy names and keeps it 7 days', () => {
    expect(ACCESS_LOG.dataCategories.map((c) => c.id).sort()).toEqual([
      'client.browser',
      'client.operating-system',
      'network.ip-address',
      'request.referrer',
      'request.time',
      'request.url',
    ]);
    expect(ACCESS_LOG.retention).toEqual([expect.objectContaining({ kind: 'duration', days: 7 })]);
    expect(ACCESS_LOG.disclosures).toEqual([]);
  });
});
