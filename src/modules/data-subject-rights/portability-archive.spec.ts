import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { portabilityArchive, toCsv } from './portability-archive.js';

describe('the Art. 20 archive', () => {
  it('writes one CSV row per record, a column per field, quoting what needs it', () => {
    const csv = toCsv([
      {
        recordType: 'order',
        recordId: 'o1',
        activityId: 'order-processing',
        data: { a: { b: 'x, "y"' }, n: 1 },
      },
      {
        recordType: 'order',
        recordId: 'o2',
        activityId: 'order-processing',
        data: { a: { b: null }, list: [1, 2] },
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'recordId,activity,a.b,n,list',
      'o1,order-processing,"x, ""y""",1,',
      'o2,order-processing,,,"[1,2]"',
      '',
    ]);
  });

  it('keeps a spreadsheet from running a value as a formula', () => {
    const csv = toCsv([
      {
        recordType: 'inquiry',
        recordId: 'i1',
        activityId: 'inquiries',
        data: { message: '=HYPERLINK("x")' },
      },
    ]);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('zips JSON, a README and the CSVs, the same bytes for the same data', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const records = [{ recordType: 'order', recordId: 'o1', activityId: 'order-processing', data: { n: 1 } }];
    const zip = portabilityArchive(at, records);
    expect(Buffer.from(portabilityArchive(at, records)).equals(Buffer.from(zip))).toBe(true);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'data.json', 'order.csv']);
    expect(JSON.parse(strFromU8(files['data.json']))).toEqual({ generatedAt: at.toISOString(), records });
  });
});
