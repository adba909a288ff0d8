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

/** sRGB (0-255) to CIELAB (D65 white), written into `out` (no allocation: called once per pixel). */
function labInto(r: number, g: number, b: number, out: Float64Array): void {
  const R = LINEAR[r];
  const G = LINEAR[g];
  const B = LINEAR[b];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
}

/** sRGB (0-255) to CIELAB (D65 white). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const out = new Float64Array(3);
  labInto(r, g, b, out);
  return [out[0], out[1], out[2]];
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
 * Working memory reused by every call (the computation is synchronous, so calls never overlap): an
 * upload allocates no per-pixel arrays, which keeps the garbage collector out of the upload path.
 * Grown on demand, and cleared after each call so that no pixel-derived value outlives it.
 */
interface Scratch {
  n: number;
  mask: Uint8Array;
  labels: Int32Array;
  stack: Int32Array;
  L: Float64Array;
}
let scratch: Scratch = {
  n: 0,
  mask: new Uint8Array(0),
  labels: new Int32Array(0),
  stack: new Int32Array(0),
  L: new Float64Array(0),
};
const LAB = new Float64Array(3);

function scratchFor(n: number): Scratch {
  if (scratch.n < n)
    scratch = {
      n,
      mask: new Uint8Array(n),
      labels: new Int32Array(n),
      stack: new Int32Array(n),
      L: new Float64Array(n),
    };
  return scratch;
}

/**
 * Labels the 4-connected components of the first `n` pixels of `mask` into `labels` (1, 2, … in scan
 * order; 0 outside the mask) with an iterative flood fill on one preallocated stack: no recursion, no
 * allocation per pixel. Returns the size of each component (index = label − 1).
 */
function components(
  mask: Uint8Array,
  width: number,
  n: number,
  labels: Int32Array,
  stack: Int32Array,
): number[] {
  labels.fill(0, 0, n);
  const sizes: number[] = [];
  for (let start = 0; start < n; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length + 1;
    let top = 0;
    let count = 0;
    labels[start] = label;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      count++;
      const x = p % width;
      if (x > 0 && mask[p - 1] && !labels[p - 1]) {
        labels[p - 1] = label;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && mask[p + 1] && !labels[p + 1]) {
        labels[p + 1] = label;
        stack[top++] = p + 1;
      }
      if (p >= width && mask[p - width] && !labels[p - width]) {
        labels[p - width] = label;
        stack[top++] = p - width;
      }
      if (p + width < n && mask[p + width] && !labels[p + width]) {
        labels[p + width] = label;
        stack[top++] = p + width;
      }
    }
    sizes.push(count);
  }
  return sizes;
}

export function computeSkinMetrics(image: RawImage): SkinMetrics {
  const n = image.width * image.height;
  const work = scratchFor(n);
  try {
    return measure(image, work);
  } finally {
    work.mask.fill(0, 0, n);
    work.labels.fill(0, 0, n);
    work.stack.fill(0, 0, n);
    work.L.fill(0, 0, n);
  }
}

function measure(image: RawImage, { mask, labels, stack, L }: Scratch): SkinMetrics {
  const { data, width, height, channels } = image;
  const n = width * height;
  for (let p = 0, i = 0; p < n; p++, i += channels)
    mask[p] = isSkin(data[i], data[i + 1], data[i + 2]) ? 1 : 0;
  const minRegion = Math.max(16, Math.ceil(n * MIN_REGION_SHARE));
  const sizes = components(mask, width, n, labels, stack);
  // The largest component (the first of equal ones in scan order), if it is large enough.
  let region = 0;
  for (let k = 0; k < sizes.length; k++)
    if (sizes[k] >= minRegion && (region === 0 || sizes[k] > sizes[region - 1])) region = k + 1;
  if (region === 0) throw new NoSkinRegionError();
  const count = sizes[region - 1];

  let sumL = 0;
  let sumA = 0;
  let sumB = 0;
  let minX = width;
  let minY = height;
  let maxX = 0;
  let maxY = 0;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      if (labels[p] !== region) continue;
      const i = p * channels;
      labInto(data[i], data[i + 1], data[i + 2], LAB);
      L[p] = LAB[0];
      sumL += LAB[0];
      sumA += LAB[1];
      sumB += LAB[2];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const meanL = sumL / count;
  const meanA = sumA / count;
  const meanB = sumB / count;
  let variance = 0;
  for (let p = 0; p < n; p++) if (labels[p] === region) variance += (L[p] - meanL) ** 2;
  const sdL = Math.sqrt(variance / count);

  // Dark spots: region pixels clearly darker than the region (2 standard deviations, at least 6 L* units).
  const threshold = meanL - Math.max(2 * sdL, 6);
  for (let p = 0; p < n; p++) mask[p] = labels[p] === region && L[p] < threshold ? 1 : 0;
  const minSpot = Math.max(3, Math.ceil(count * MIN_SPOT_SHARE));
  let spotCount = 0;
  let spotPixels = 0;
  for (const size of components(mask, width, n, labels, stack))
    if (size >= minSpot) {
      spotCount++;
      spotPixels += size;
    }

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
    darkSpots: { count: spotCount, areaPct: round((100 * spotPixels) / count) },
  };
}
