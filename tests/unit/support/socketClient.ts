import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../../shared/wire.js';

/** A web-mode client: calls by id, events collected in order, and the close code once closed. */
export async function connectSocket(url: string) {
  const ws = new WebSocket(url);
  const replies = new Map<number | null, ((m: ServerMessage) => void)[]>();
  const events: Extract<ServerMessage, { kind: 'event' }>[] = [];
  let closeCode: number | null = null;
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve((closeCode = code))));
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const message = decodeMessage(isBinary ? new Uint8Array(data) : data.toString()) as ServerMessage;
    if (message.kind === 'event') return void events.push(message);
    replies.get(message.id)?.shift()?.(message);
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitReply = (id: number | null) => new Promise<ServerMessage>((resolve) => replies.set(id, [...(replies.get(id) ?? []), resolve]));
  let nextId = 1;
  return {
    ws,
    events,
    closed,
    get closeCode() {
      return closeCode;
    },
    call(channel: unknown, payload: unknown): Promise<ServerMessage> {
      const id = nextId++;
      const reply = waitReply(id);
      ws.send(encodeMessage({ id, channel, payload }));
      return reply;
    },
    /** Sends a frame as is; resolves with the reply to an unreadable message (id null) or the close code. */
    raw(data: string | Buffer, binary = typeof data !== 'string'): Promise<ServerMessage | { closed: number }> {
      const reply = waitReply(null);
      ws.send(data, { binary });
      return Promise.race([reply, closed.then((code) => ({ closed: code }))]);
    },
    close: () => ws.close(),
  };
}
