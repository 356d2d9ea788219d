/**
 * Ctrl-C handling for long commands: the first press asks the work to stop cleanly (checkpoint,
 * no half-written files), a second press exits at once. Returns a function that removes the hook.
 */
export function onInterrupt(stopCleanly: () => void): () => void {
  let presses = 0;
  const handler = () => {
    presses++;
    if (presses === 1) {
      process.stderr.write('\nStopping cleanly... (press Ctrl-C again to quit at once)\n');
      stopCleanly();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
