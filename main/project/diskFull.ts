/** No space left, or the user's disk quota used up: both mean "the disk is full" to a person. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** "The disk is full: <what failed>. <what was kept>. Free some space, then <next>." */
export const diskFullMessage = (failed: string, kept: string, next: string): string =>
  `The disk is full: ${failed}. ${kept}. Free some space, then ${next}.`;
