import { describe, expect, it } from '@jest/globals';
import { computeSkinMetrics, ita, NoSkinRegionError, rgbToLab, skinToneOf } from './skin-metrics.js';

const image = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return { data, width, height, channels: 3 };
};

describe('skin metrics', () => {
  it('converts sRGB to CIELAB (D65) as published', () => {
    const white = rgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 1);
    expect(white[1]).toBeCloseTo(0, 1);
    expect(white[2]).toBeCloseTo(0, 1);
    const [l, a, b] = rgbToLab(255, 0, 0);
    expect(l).toBeCloseTo(53.24, 1);
    expect(a).toBeCloseTo(80.09, 1);
    expect(b).toBeCloseTo(67.2, 1);
  });

  it('computes ITA° = atan((L* − 50) / b*) and its classes', () => {
    expect(ita(50 + Math.sqrt(3) * 10, 10)).toBeCloseTo(60, 6);
    expect(ita(50, 12)).toBeCloseTo(0, 6);
    expect(skinToneOf(60)).toBe('very light');
    expect(skinToneOf(30)).toBe('intermediate');
    expect(skinToneOf(-40)).toBe('dark');
  });

  it('measures the largest skin area, an even tone and counts distinct dark spots', () => {
    const spots = [
      [20, 20],
      [60, 60],
    ];
    const img = image(100, 100, (x, y) => {
      if (x < 10) return [30, 60, 160]; // background stripe, not skin
      if (spots.some(([sx, sy]) => Math.abs(x - sx) < 3 && Math.abs(y - sy) < 3)) return [120, 80, 60];
      return [220, 170, 140];
    });
    const m = computeSkinMetrics(img);
    expect(m.darkSpots.count).toBe(2);
    expect(m.skinRegion.x).toBeCloseTo(0.1, 2);
    expect(m.skinRegion.coveragePct).toBeGreaterThan(85);
    const [l, , b] = rgbToLab(220, 170, 140);
    expect(m.itaDeg).toBeGreaterThan(ita(l, b) - 3);
    expect(m.evenness).toBeLessThan(100);
  });

  it('refuses an image without skin', () => {
    expect(() => computeSkinMetrics(image(50, 50, () => [20, 90, 200]))).toThrow(NoSkinRegionError);
  });
});
