import type { StudioApi } from '../../../shared/contract.js';
import { socketStudio, socketUrl, type ConnectionStatus } from './socketStudio.js';

declare global {
  interface Window {
    /** Present in the desktop app, put there by the preload. */
    studio?: StudioApi;
  }
}

/**
 * The one place that knows how the window reaches the studio: the preload's `window.studio` in
 * the desktop app, else the WebSocket of the server that served the page. Returns null (with the
 * reason) when neither is available, e.g. the page was opened without its access token.
 */
export function chooseTransport(onStatus: (status: ConnectionStatus) => void): { studio: StudioApi } | { error: string } {
  if (window.studio) {
    onStatus('open');
    return { studio: window.studio };
  }
  const url = socketUrl(window.location);
  if (!url) {
    return { error: 'This address has no access token. Open the full address that `gan-studio serve` printed (it ends in ?token=...).' };
  }
  return { studio: socketStudio(url, onStatus) };
}
