import { shell, type Session, type WebContents } from 'electron';
import { isAllowedExternalUrl } from './externalLinks.js';

/**
 * The window may show only the studio's own page: no navigation away, no new windows (a link to
 * a cited paper opens in the user's browser instead, allow-listed sites only), no webviews, no
 * permission prompts (camera, notifications...) the studio never needs.
 */
export function guardContents(contents: WebContents, pageUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== pageUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (url !== pageUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // The page loads nothing from the network; refusing every web request makes that a rule, not a habit.
  session.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
}
