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
  /** The longer edge of the copy the metrics are computed on (default 512). */
  analysisEdge?: number;
}

export interface PreparedImage {
  format: ImageFormat;
  /** Re-encoded from decoded pixels: no EXIF, GPS, XMP, ICC, comment or text chunk survives. */
  bytes: Buffer;
  width: number;
  height: number;
  /** The stored image scaled down to at most `analysisEdge` pixels on its longer edge. */
  analysis: RawImage;
}

/** What the checks before decoding found. */
export interface CheckedImage {
  format: ImageFormat;
  width: number;
  height: number;
}

/** The JPEG quality of the stored image (baseline, standard Huffman tables: one pass, see README). */
export const STORED_JPEG_QUALITY = 90;
const DEFAULT_ANALYSIS_EDGE = 512;

const cannotDecode = () => new InvalidInputError([{ field: 'image', reason: 'cannot be decoded' }]);

/**
 * The checks that need no decoding: the signature by the file's own bytes, then the format, size and
 * pixel count from the header alone (a decompression bomb is refused before any pixel is decoded).
 */
export async function checkImage(
  bytes: Buffer,
  limits: Pick<ImageLimits, 'maxPixels'>,
): Promise<CheckedImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new UnsupportedImageError();
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw cannotDecode();
  }
  if (meta.format !== format) throw new UnsupportedImageError();
  if (!meta.width || !meta.height) throw new InvalidInputError([{ field: 'image', reason: 'has no size' }]);
  if (meta.width * meta.height > limits.maxPixels) throw new ImageTooLargeError('pixels', limits.maxPixels);
  return { format, width: meta.width, height: meta.height };
}

/**
 * Decodes the upload once and encodes the stored image from its pixels, in one streaming libvips
 * pipeline (the decoded frame never exists whole in memory): turned upright from its EXIF orientation,
 * scaled to `maxEdge` (JPEG: shrink-on-load when the ratio allows), alpha flattened onto white, sRGB.
 * Nothing of the original file but the pixels reaches the output: sharp writes no metadata unless
 * asked to (no EXIF, XMP, ICC, IPTC, comments or PNG text chunks).
 */
export async function reencodeImage(
  bytes: Buffer,
  format: ImageFormat,
  limits: Pick<ImageLimits, 'maxPixels' | 'maxEdge'>,
): Promise<{ bytes: Buffer; width: number; height: number }> {
  const pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
    .rotate()
    .resize({ width: limits.maxEdge, height: limits.maxEdge, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
  const { data, info } = await (
    format === 'jpeg'
      ? pipeline.jpeg({ quality: STORED_JPEG_QUALITY, optimiseCoding: false, chromaSubsampling: '4:2:0' })
      : pipeline.png({ compressionLevel: 6 })
  ).toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}

/**
 * The stored image decoded again, scaled to at most `maxEdge` pixels on its longer edge, as raw RGB for
 * the metrics. A JPEG is decoded straight at 1/2, 1/4 or 1/8 scale where that still covers `maxEdge`
 * (DCT scaling, which averages each block; 2048 → 512 is exactly 1/4), then resampled to the edge.
 */
export async function analysisCopy(
  stored: { bytes: Buffer },
  maxEdge: number = DEFAULT_ANALYSIS_EDGE,
): Promise<RawImage> {
  const { data, info } = await sharp(stored.bytes, { failOn: 'error' })
    .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * Checks and re-encodes an uploaded image (`checkImage`, then `reencodeImage`): the upload is decoded
 * once. The metrics' copy is taken from the stored image (`analysisCopy`): the result describes exactly
 * the pixels that are kept, and reading a small copy of a JPEG costs a few milliseconds, where holding the
 * decoded frame in memory to scale it would cost a 9 MB buffer per upload.
 */
export async function prepareImage(bytes: Buffer, limits: ImageLimits): Promise<PreparedImage> {
  const { format } = await checkImage(bytes, limits);
  try {
    const stored = await reencodeImage(bytes, format, limits);
    const analysis = await analysisCopy(stored, limits.analysisEdge);
    return { format, ...stored, analysis };
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw cannotDecode();
  }
}
