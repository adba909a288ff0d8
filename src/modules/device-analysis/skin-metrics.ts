/**
 * Skin metrics computed from an RGB image (see README.md for what each means and its limits: this is a
 * cosmetic description of the skin in one photo, never a diagnosis). Pure functions on raw pixels, so
 * they are tested without an image library.
 *
 * 1. Skin region: pixels whose chroma lies in the skin cluster of the YCbCr space (Chai & Ngan 1999:
 *    77 ≤ Cb ≤ 127, 133 ≤ Cr ≤ 173, and not too dark), of which the largest 4-connected component is
 *    the region analysed (a face, a cheek); smaller components (hands, background) are ignored.
 * 2. Colour: each region pixel from sRGB (D65) to CIELAB L*, a*, b*.
 * 3. Metrics: ITA° = atan((L* − 50) / b*) × 180/π of the mean L* and b* (Chardon et al. 1991); redness
 *    the mean a*; evenness from the spread of L*; dark spots the connected groups of region pixels
 *    clearly darker than the region's mean.
 */

export const ALGORITHM_VERSION = 'skin-metrics/1';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA; alpha ignored). */
  channels: number;
}

export type SkinToneCategory = 'very light' | 'light' | 'intermediate' | 'tan' | 'brown' | 'dark';

export interface SkinMetrics {
  algorithm: string;
  /** The region analysed, as fractions of the image (0-1), and its share of the image in percent. */
  skinRegion: { x: number; y: number; width: number; height: number; coveragePct: number };
  itaDeg: number;
  skinTone: SkinToneCategory;
  lab: { l: number; a: number; b: number };
  /** Mean a* of the region: higher is redder. */
  redness: number;
  /** 0-100: 100 is a perfectly even tone; falls with the standard deviation of L*. */
  evenness: number;
  lStdDev: number;
  darkSpots: { count: number; areaPct: number };
}

export class NoSkinRegionError extends Error {
  constructor() {
    super('no skin region large enough was found in the image');
  }
}

/** The smallest region analysed, as a share of the image. */
const MIN_REGION_SHARE = 0.02;
/** A dark spot covers at least this share of the region (and at least 3 pixels). */
const MIN_SPOT_SHARE = 0.0002;
/** L* standard deviation at which evenness reaches 0. */
const EVENNESS_ZERO_SD = 20;

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

const linear = (c: number): number => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const LINEAR = Float64Array.from({ length: 256 }, (_, i) => linear(i));
const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t) / 116 + 16 / 116);

/** sRGB (0-255) to CIELAB (D65 white). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = LINEAR[r];
  const G = LINEAR[g];
  const B = LINEAR[b];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** Individual Typology Angle (degrees) and its classification (Chardon et al.; Del Bino et al.). */
export function ita(l: number, b: number): number {
  // The published formula, atan((L* − 50) / b*): defined for skin, whose b* is positive. (atan2 would
  // answer angles beyond ±90° for a bluish b* ≤ 0, outside every ITA class.)
  if (b === 0) return l >= 50 ? 90 : -90;
  return (Math.atan((l - 50) / b) * 180) / Math.PI;
}

export function skinToneOf(itaDeg: number): SkinToneCategory {
  if (itaDeg > 55) return 'very light';
  if (itaDeg > 41) return 'light';
  if (itaDeg > 28) return 'intermediate';
  if (itaDeg > 10) return 'tan';
  if (itaDeg > -30) return 'brown';
  return 'dark';
}

const isSkin = (r: number, g: number, b: number): boolean => {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 35 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
};

/**
 * Labels 4-connected components of `mask`; returns the pixel indices of each component of at least
 * `minSize` pixels (iterative flood fill on one preallocated stack: no recursion, no allocation per pixel).
 */
function components(mask: Uint8Array, width: number, minSize: number): Int32Array[] {
  const n = mask.length;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const pixels = new Int32Array(n);
  const out: Int32Array[] = [];
  for (let start = 0; start < n; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    let count = 0;
    seen[start] = 1;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      pixels[count++] = p;
      const x = p % width;
      if (x > 0 && mask[p - 1] && !seen[p - 1]) {
        seen[p - 1] = 1;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && mask[p + 1] && !seen[p + 1]) {
        seen[p + 1] = 1;
        stack[top++] = p + 1;
      }
      if (p >= width && mask[p - width] && !seen[p - width]) {
        seen[p - width] = 1;
        stack[top++] = p - width;
      }
      if (p + width < n && mask[p + width] && !seen[p + width]) {
        seen[p + width] = 1;
        stack[top++] = p + width;
      }
    }
    if (count >= minSize) out.push(pixels.slice(0, count));
  }
  return out;
}

export function computeSkinMetrics(image: RawImage): SkinMetrics {
  const { data, width, height, channels } = image;
  const n = width * height;
  const mask = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p++, i += channels)
    mask[p] = isSkin(data[i], data[i + 1], data[i + 2]) ? 1 : 0;
  const regions = components(mask, width, Math.max(16, Math.ceil(n * MIN_REGION_SHARE)));
  if (regions.length === 0) throw new NoSkinRegionError();
  const region = regions.reduce((a, b) => (b.length > a.length ? b : a));

  const L = new Float64Array(region.length);
  let sumL = 0;
  let sumA = 0;
  let sumB = 0;
  let minX = width;
  let minY = height;
  let maxX = 0;
  let maxY = 0;
  region.forEach((p, k) => {
    const i = p * channels;
    const [l, a, b] = rgbToLab(data[i], data[i + 1], data[i + 2]);
    L[k] = l;
    sumL += l;
    sumA += a;
    sumB += b;
    const x = p % width;
    const y = (p - x) / width;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  });
  const count = region.length;
  const meanL = sumL / count;
  const meanA = sumA / count;
  const meanB = sumB / count;
  let variance = 0;
  for (const l of L) variance += (l - meanL) ** 2;
  const sdL = Math.sqrt(variance / count);

  // Dark spots: region pixels clearly darker than the region (2 standard deviations, at least 6 L* units).
  const threshold = meanL - Math.max(2 * sdL, 6);
  const dark = new Uint8Array(n);
  region.forEach((p, k) => {
    if (L[k] < threshold) dark[p] = 1;
  });
  const spots = components(dark, width, Math.max(3, Math.ceil(count * MIN_SPOT_SHARE)));
  const spotPixels = spots.reduce((s, c) => s + c.length, 0);

  const itaDeg = ita(meanL, meanB);
  return {
    algorithm: ALGORITHM_VERSION,
    skinRegion: {
      x: round(minX / width, 3),
      y: round(minY / height, 3),
      width: round((maxX - minX + 1) / width, 3),
      height: round((maxY - minY + 1) / height, 3),
      coveragePct: round((100 * count) / n),
    },
    itaDeg: round(itaDeg),
    skinTone: skinToneOf(itaDeg),
    lab: { l: round(meanL), a: round(meanA), b: round(meanB) },
    redness: round(meanA),
    evenness: round(100 * Math.max(0, 1 - sdL / EVENNESS_ZERO_SD), 1),
    lStdDev: round(sdL),
    darkSpots: { count: spots.length, areaPct: round((100 * spotPixels) / count) },
  };
}
