import { describe, expect, it } from '@jest/globals';
import { ValidationProblem } from '../problem/problem.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('keyset cursors', () => {
  it('carry the exact timestamp text and id through a round trip', () => {
    const keyset = { at: '2026-03-05 10:11:12.345678+00', id: '0b8f3c1e-5d2a-4c3b-9e7f-1a2b3c4d5e6f' };
    expect(decodeCursor(encodeCursor(keyset))).toEqual(keyset);
  });

  it('treat a missing cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it('refuse a cursor the API did not issue, naming the field', () => {
    for (const forged of [
      'abc',
      Buffer.from("2026-01-01'; drop table shipment;--|x").toString('base64url'),
    ]) {
      expect(() => decodeCursor(forged)).toThrow(ValidationProblem);
    }
  });
});
