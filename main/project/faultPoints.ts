/**
 * Named places in the write paths where the kill tests stop a process on purpose, so every kill
 * window is tried deterministically rather than by timing luck. Off unless GAN_STUDIO_FAULT names
 * a point; otherwise it costs one environment lookup per write.
 *
 *   GAN_STUDIO_FAULT=publish:old-moved                 SIGKILL at the first pass through the point
 *   GAN_STUDIO_FAULT=checkpoint:files-written@3         ... at the third pass
 *   GAN_STUDIO_FAULT=checkpoint:files-written@2!enospc  throw "no space left on device" there instead
 */
const passes = new Map<string, number>();

export function faultPoint(name: string): void {
  const spec = process.env.GAN_STUDIO_FAULT;
  if (!spec) return;
  const parsed = /^([^@!]+)(?:@(\d+))?(?:!(kill|enospc))?$/.exec(spec);
  if (!parsed || parsed[1] !== name) return;
  const count = (passes.get(name) ?? 0) + 1;
  passes.set(name, count);
  if (count !== Number(parsed[2] ?? 1)) return;
  if (parsed[3] === 'enospc') {
    const error = new Error(`ENOSPC: no space left on device, write (fault point ${name})`) as NodeJS.ErrnoException;
    error.code = 'ENOSPC';
    throw error;
  }
  process.kill(process.pid, 'SIGKILL');
}
