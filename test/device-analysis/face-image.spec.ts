import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { prepareImage } from '../../src/modules/device-analysis/image-intake.js';
import { computeSkinMetrics, ita, rgbToLab } from '../../src/modules/device-analysis/skin-metrics.js';
import { faceJpeg, facePng } from './face-image.js';

export const hasGpsPointer = (exif: Buffer): boolean =>
  exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

/** The fixture carries the metadata the e2e tests prove is stripped, and the intake strips it. */
describe('device image fixture and intake', () => {
  it('writes EXIF with GPS and owner into the JPEG and PNG, and the intake re-encodes without any', async () => {
    for (const bytes of [await faceJpeg(), await facePng()]) {
      const before = await sharp(bytes).metadata();
      expect(before.exif?.includes(Buffer.from('PracticeOwnerName'))).toBe(true);
      // The GPS IFD pointer (tag 0x8825), in either byte order.
      expect(hasGpsPointer(before.exif!)).toBe(true);
      const prepared = await prepareImage(bytes, { maxPixels: 10_000_000, maxEdge: 2048 });
      const after = await sharp(prepared.bytes).metadata();
      expect(after.exif).toBeUndefined();
      expect(after.xmp).toBeUndefined();
      expect(after.icc).toBeUndefined();
      expect(prepared.bytes.includes(Buffer.from('PracticeOwnerName'))).toBe(false);
      expect(prepared.bytes.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
      const metrics = computeSkinMetrics(prepared.analysis);
      expect(metrics.skinRegion.coveragePct).toBeGreaterThan(20);
      const [l, , b] = rgbToLab(224, 172, 140);
      expect(metrics.itaDeg).toBeCloseTo(ita(l, b), 0);
      expect(metrics.darkSpots.count).toBe(3);
    }
  });
});
