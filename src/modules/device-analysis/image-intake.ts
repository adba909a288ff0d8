import { DomainError, InvalidInputError } from '@app/core';
import sharp, { type Metadata } from 'sharp';
import type { RawImage } from './skin-metrics.js';

export type ImageFormat = 'jpeg' | 'png';

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The format by the file's own first bytes; never by its name or the declared content type. */
export function sniffImageFormat(bytes: Buffer): ImageFormat | null {
  if (bytes.length >= JPEG.length && bytes.subarray(0, JPEG.length).equals(JPEG)) return 'jpeg';
  if (bytes.length >= PNG.length && bytes.subarray(0, PNG.length).equals(PNG)) return 'png';
  return null;
}

const imageProblem = (reason: string) => ({ extensions: { errors: [{ field: 'image', reason }] } });

export class UnsupportedImageError extends DomainError {
  constructor() {
    super('unsupported-media-type', 'unsupported-image', 'Unsupported image', {
      detail: 'The image must be a JPEG or PNG file (checked by its content).',
      ...imageProblem('must be a JPEG or PNG image'),
    });
  }
}

export class ImageTooLargeError extends DomainError {
  constructor(what: 'bytes' | 'pixels', limit: number) {
    super('too-large', 'image-too-large', 'Image too large', {
      detail:
        what === 'bytes'
          ? `The image is larger than ${limit} bytes.`
          : `The image has more than ${limit} pixels.`,
      ...imageProblem(
        what === 'bytes' ? `must be at most ${limit} bytes` : `must have at most ${limit} pixels`,
      ),
    });
  }
}

export interface ImageLimits {
  maxPixels: number;
  /** The longer edge of the stored image. */
  maxEdge: number;
  /** The longer edge of the copy the metrics are computed on. */
  analysisEdge?: number;
}

export interface PreparedImage {
  format: ImageFormat;
  /** Re-encoded from decoded pixels: no EXIF, GPS, XMP, ICC, comment or text chunk survives. */
  bytes: Buffer;
  width: number;
  height: number;
  analysis: RawImage;
}

/**
 * Checks and re-encodes an uploaded image. The signature is checked first, then the pixel count from
 * the header alone (a decompression bomb is refused before it is decoded), then the image is decoded
 * once (turned upright from its EXIF orientation, scaled to `maxEdge`) and encoded again from the
 * pixels: nothing of the original file but the pixels reaches storage.
 */
export async function prepareImage(bytes: Buffer, limits: ImageLimits): Promise<PreparedImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new UnsupportedImageError();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new InvalidInputError([{ field: 'image', reason: 'cannot be decoded' }]);
  }
  if (meta.format !== format) throw new UnsupportedImageError();
  if (!meta.width || !meta.height) throw new InvalidInputError([{ field: 'image', reason: 'has no size' }]);
  if (meta.width * meta.height > limits.maxPixels) throw new ImageTooLargeError('pixels', limits.maxPixels);

  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .resize({ width: limits.maxEdge, height: limits.maxEdge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const edge = limits.analysisEdge ?? 512;
    const [stored, analysis] = await Promise.all([
      format === 'jpeg'
        ? sharp(data, raw).jpeg({ quality: 90 }).toBuffer()
        : sharp(data, raw).png({ compressionLevel: 6 }).toBuffer(),
      sharp(data, raw)
        .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ]);
    return {
      format,
      bytes: stored,
      width: info.width,
      height: info.height,
      analysis: {
        data: analysis.data,
        width: analysis.info.width,
        height: analysis.info.height,
        channels: analysis.info.channels,
      },
    };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new InvalidInputError([{ field: 'image', reason: 'cannot be decoded' }]);
  }
}
