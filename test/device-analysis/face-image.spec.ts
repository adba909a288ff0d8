import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { prepareImage } from '../../src/modules/device-analysis/image-intake.js';
import { computeSkinMetrics, ita, rgbToLab } from '../../src/modules/device-analysis/skin-metrics.js';
import { CAMERA_EXIF, faceJpeg, facePixels, facePng } from './face-image.js';

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

  it('decodes a large photo once into a stored image within the edge limit, upright, with no ICC, XMP or EXIF, and a copy of at most 512 px', async () => {
    const [width, height] = [1600, 1200];
    const bytes = await sharp(facePixels(width, height), { raw: { width, height, channels: 3 } })
      .withExif(CAMERA_EXIF)
      .withMetadata({ orientation: 6 })
      .withIccProfile('p3')
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="PracticeOwnerName"/></rdf:RDF></x:xmpmeta>',
      )
      .jpeg({ quality: 92 })
      .toBuffer();
    expect(bytes.includes(Buffer.from('PracticeOwnerName'))).toBe(true);
    const before = await sharp(bytes).metadata();
    expect(hasGpsPointer(before.exif!)).toBe(true);
    expect([before.orientation, before.icc !== undefined, before.xmp !== undefined]).toEqual([6, true, true]);

    const prepared = await prepareImage(bytes, { maxPixels: 10_000_000, maxEdge: 1000 });
    // Orientation 6 turns the 1600 × 1200 frame upright (portrait), then it is scaled to the 1000 px edge.
    expect([prepared.width, prepared.height]).toEqual([750, 1000]);
    const after = await sharp(prepared.bytes).metadata();
    expect([after.width, after.height, after.format]).toEqual([750, 1000, 'jpeg']);
    expect([after.exif, after.icc, after.xmp, after.iptc, after.orientation]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(prepared.bytes.includes(Buffer.from('PracticeOwnerName'))).toBe(false);
    // The analysis copy is the stored image scaled to at most 512 px, the same way up.
    expect([prepared.analysis.width, prepared.analysis.height, prepared.analysis.channels]).toEqual([
      384, 512, 3,
    ]);
    expect(computeSkinMetrics(prepared.analysis).darkSpots.count).toBe(3);
  });
});
