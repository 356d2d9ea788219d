/**
 * Spherical interpolation between two noise vectors (Shoemake's slerp, as White 2016 suggests
 * for GAN latent spaces): points between two N(0, I) draws keep a typical length, where a
 * straight line would pass through the unlikely, washed-out middle of the distribution.
 * Falls back to a straight line when the vectors are (nearly) parallel.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = Math.min(1, Math.max(-1, dot / (Math.sqrt(na * nb) || 1)));
  const omega = Math.acos(cos);
  const sin = Math.sin(omega);
  const [wa, wb] = sin < 1e-6 ? [1 - t, t] : [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin];
  return a.map((v, i) => wa * v + wb * b[i]);
}

/**
 * A closed walk through `points`: `framesPerLeg` frames from each point towards the next, the
 * last leg returning to the first, so the animation loops without a jump.
 */
export function latentLoop(points: Float32Array[], framesPerLeg: number): Float32Array[] {
  const frames: Float32Array[] = [];
  points.forEach((from, i) => {
    const to = points[(i + 1) % points.length];
    for (let f = 0; f < framesPerLeg; f++) frames.push(slerp(from, to, f / framesPerLeg));
  });
  return frames;
}
