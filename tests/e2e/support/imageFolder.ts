import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * A folder as a user would bring it: two class subfolders of small pictures in mixed formats,
 * one PNG with a transparent background, and a file that claims to be a PNG but is not (it must
 * show up in the skipped list).
 */
export async function buildImageFolder(root: string, perClass = 48): Promise<{ folder: string; images: number; corrupt: string }> {
  const folder = join(root, 'my pictures');
  const classes = [
    { name: 'discs', inside: (u: number, v: number, r: number) => u * u + v * v < r * r, colour: [230, 80, 40] },
    { name: 'squares', inside: (u: number, v: number, r: number) => Math.abs(u) < r && Math.abs(v) < r, colour: [40, 110, 230] },
  ];
  const size = 24;
  for (const [c, shape] of classes.entries()) {
    await mkdir(join(folder, shape.name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.alloc(size * size * 3);
      const cx = 8 + ((i * 7) % 9);
      const cy = 8 + ((i * 5) % 9);
      const r = 4 + (i % 4);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          if (!shape.inside(x - cx, y - cy, r)) continue;
          pixels.set(shape.colour, (y * size + x) * 3);
        }
      }
      const image = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
      const name = join(folder, shape.name, `${c}-${i}`);
      if (i % 2 === 0) await image.png().toFile(`${name}.png`);
      else await image.jpeg({ quality: 95 }).toFile(`${name}.jpg`);
    }
  }
  // A disc drawn on a clear background, as drawing programs save it: it must not import as black.
  const clear = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - 12) ** 2 + (y - 12) ** 2 < 36) clear.set([230, 80, 40, 255], (y * size + x) * 4);
  await sharp(clear, { raw: { width: size, height: size, channels: 4 } }).png().toFile(join(folder, 'discs', 'clear-background.png'));
  const corrupt = 'discs/broken.png';
  await writeFile(join(folder, corrupt), 'this is not a picture');
  return { folder, images: perClass * classes.length + 1, corrupt };
}
