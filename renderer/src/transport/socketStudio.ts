import { channels, studioEventNames, subscriberName, type Channel, type StudioApi, type StudioEventName } from '../../../shared/contract.js';
import { fail, type Result } from '../../../shared/result.js';
import { decodeMessage, encodeMessage, type CallMessage, type ServerMessage } from '../../../shared/wire.js';

export type ConnectionStatus = 'connecting' | 'open' | 'lost';

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * The studio API over the web-mode WebSocket, the same shape the desktop preload exposes.
 * Calls made while (re)connecting wait for the socket; calls in flight when it drops fail with a
 * message; it reconnects on its own and says so through `onStatus`.
 */
export function socketStudio(url: string, onStatus: (status: ConnectionStatus) => void): StudioApi {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const waiting: (() => void)[] = [];
  const listeners = new Map<string, Set<(data: unknown) => void>>();

  const open = () => {
    onStatus('connecting');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      onStatus('open');
      for (const send of waiting.splice(0)) send();
    };
    ws.onmessage = (message: MessageEvent<string | ArrayBuffer>) => {
      let decoded: ServerMessage;
      try {
        decoded = decodeMessage(typeof message.data === 'string' ? message.data : new Uint8Array(message.data)) as ServerMessage;
      } catch (error) {
        console.error('Unreadable message from the studio', error);
        return;
      }
      if (decoded.kind === 'event') {
        for (const listener of listeners.get(decoded.event) ?? []) listener(decoded.data);
      } else if (decoded.id !== null) {
        pending.get(decoded.id)?.(decoded.result);
        pending.delete(decoded.id);
      } else if (!decoded.result.ok) {
        console.error(decoded.result.error);
      }
    };
    ws.onclose = () => {
      socket = null;
      onStatus('lost');
      for (const resolve of pending.values()) resolve(fail('The connection to the studio was lost; it is reconnecting. Try again in a moment.'));
      pending.clear();
      setTimeout(open, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
  };

  const call = (channel: Channel, payload: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      const send = () => {
        const id = nextId++;
        pending.set(id, resolve);
        socket!.send(encodeMessage({ id, channel, payload } satisfies CallMessage));
      };
      if (socket?.readyState === WebSocket.OPEN) send();
      else waiting.push(send);
    });

  const on = (event: StudioEventName, listener: (data: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => void set.delete(listener);
  };

  open();
  const api: Record<string, unknown> = {};
  for (const channel of channels) api[channel] = (request?: unknown) => call(channel, request ?? {});
  for (const event of studioEventNames) api[subscriberName(event)] = (listener: (data: unknown) => void) => on(event, listener);
  return api as StudioApi;
}

/** The WebSocket address of the server that served this page, with the token from the page's address. */
export function socketUrl(location: Location): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}
