import sharp from 'sharp';

/** A portrait-like photo: skin oval, background, fine noise so that JPEG cannot squeeze it much. */
export async function photo(width: number, height: number, quality: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed % 25) - 12;
      const i = (y * width + x) * 3;
      const face = ((x - width / 2) / (width * 0.3)) ** 2 + ((y - height / 2) / (height * 0.42)) ** 2 <= 1;
      const [r, g, b] = face ? [222, 170, 140] : [60, 85, 130];
      data[i] = Math.max(0, Math.min(255, r + n));
      data[i + 1] = Math.max(0, Math.min(255, g + n));
      data[i + 2] = Math.max(0, Math.min(255, b + n));
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 12/1 3456/100' } })
    .jpeg({ quality })
    .toBuffer();
}
