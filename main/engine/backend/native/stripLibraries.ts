import { readdirSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeSetupProgress } from '../../../../shared/backends.js';
import { runTool } from './runTool.js';

/**
 * Drops the symbol tables the wheel's TensorFlow libraries carry for debugging (853 -> 634 MB;
 * the dynamic symbols the binding links against stay). Where `strip` is missing or fails, the
 * libraries are kept as they are: smaller is nice, not needed.
 */
export async function stripLibraries(libDir: string, onProgress: (p: NativeSetupProgress) => void): Promise<void> {
  const files = readdirSync(libDir).filter((f) => /\.so(\.\d+)*$/.test(f) && !lstatSync(join(libDir, f)).isSymbolicLink());
  for (const [i, file] of files.entries()) {
    const path = join(libDir, file);
    const before = statSync(path).size;
    onProgress({ phase: 'extract', message: `Stripping debug symbols from ${file} (${Math.round(before / 1e6)} MB, ${i + 1} of ${files.length})` });
    await runTool('strip', ['--strip-unneeded', path], { timeoutMs: 5 * 60_000 });
  }
}
