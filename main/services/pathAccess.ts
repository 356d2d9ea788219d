import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';

/**
 * A typed path as a shell would read it: `~` and `~/...` are the home folder of the user running
 * the studio (without this, "~/Pictures" became a folder named "~" in the server's working folder).
 */
export function expandHome(path: string, home = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || (sep === '\\' && path.startsWith('~\\'))) return home + path.slice(1);
  return path;
}

/** Decides which filesystem paths a window may name in a request. */
export interface PathAccess {
  /** The absolute path, or an error when the window may not use it. */
  check(path: string, what: string): string;
  /** Lets the window use `path` and everything under it (after a dialog, a drop, or for the app's own folders). */
  grant(path: string): void;
}

/**
 * Desktop rule: a window reaches only what the user chose in a native dialog or dropped on it,
 * plus the app's own projects folder and projects opened before. A compromised page cannot
 * name /etc or ~/.ssh and have the main process read or write there.
 */
export class ChosenPaths implements PathAccess {
  private readonly roots = new Set<string>();

  grant(path: string): void {
    this.roots.add(resolve(path));
  }

  check(path: string, what: string): string {
    const absolute = resolve(expandHome(path));
    for (const root of this.roots) {
      if (absolute === root || absolute.startsWith(root.endsWith(sep) ? root : root + sep)) return absolute;
    }
    throw new Error(`${what}: choose ${absolute} with the folder dialog or drop it on the window first.`);
  }
}

/**
 * Web-mode rule: whoever holds the access token is the machine's user typing paths on it (there
 * are no native dialogs in a browser), so every path is theirs to name, with their own permissions.
 */
export const anyPath: PathAccess = {
  check: (path) => resolve(expandHome(path)),
  grant: () => {},
};
