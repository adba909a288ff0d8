import sharp from 'sharp';

/** A synthetic portrait: a skin-coloured oval (with noise and a few darker spots) on a blue-grey background. */
export function facePixels(width: number, height: number, skin = [224, 172, 140]): Buffer {
  const data = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const rx = width * 0.32;
  const ry = height * 0.4;
  const spots = [
    [0.42, 0.4],
    [0.58, 0.45],
    [0.5, 0.62],
  ].map(([x, y]) => [x * width, y * height, Math.max(3, width * 0.012)]);
  let seed = 42;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed / 0x7fffffff - 0.5) * 10;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inFace = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      if (!inFace) {
        data[i] = 70;
        data[i + 1] = 90;
        data[i + 2] = 140;
        continue;
      }
      const dark = spots.some(([sx, sy, r]) => (x - sx) ** 2 + (y - sy) ** 2 <= r * r);
      const f = dark ? 0.6 : 1;
      const n = noise();
      data[i] = Math.max(0, Math.min(255, Math.round(skin[0] * f + n)));
      data[i + 1] = Math.max(0, Math.min(255, Math.round(skin[1] * f + n)));
      data[i + 2] = Math.max(0, Math.min(255, Math.round(skin[2] * f + n)));
    }
  }
  return data;
}

/** The EXIF the "camera" writes: GPS position, owner and time (all of which must be stripped). */
export const CAMERA_EXIF = {
  IFD0: { Make: 'DermaScopeCam', Artist: 'PracticeOwnerName', DateTime: '2026:12:01 09:30:00' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '51/1 12/1 3456/100',
    GPSLongitudeRef: 'E',
    GPSLongitude: '6/1 25/1 1200/100',
  },
};

export async function faceJpeg(width = 600, height = 800, withGps = true): Promise<Buffer> {
  const image = sharp(facePixels(width, height), { raw: { width, height, channels: 3 } });
  return (withGps ? image.withExif(CAMERA_EXIF) : image).jpeg({ quality: 92 }).toBuffer();
}

export async function facePng(width = 600, height = 800): Promise<Buffer> {
  return sharp(facePixels(width, height), { raw: { width, height, channels: 3 } })
    .withExif(CAMERA_EXIF)
    .png()
    .toBuffer();
}
