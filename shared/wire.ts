/**
 * How the contract travels over a WebSocket (web mode). A message without bytes is one text frame
 * of JSON. A message carrying Uint8Arrays (sample grids, thumbnails) is one binary frame:
 * a 4-byte little-endian length, that many bytes of JSON in which each array is replaced by
 * {"$bytes":[offset,length]}, then the arrays' bytes back to back. Pixels are never turned into
 * JSON number lists, and one frame per message keeps replies and events in order.
 */
import type { Channel } from './contract.js';
import type { Result } from './result.js';

/** Window -> services: call a channel. `id` matches the reply. */
export interface CallMessage {
  id: number;
  channel: Channel;
  payload: unknown;
}

/** Services -> window: a reply to a call, or a pushed event. */
export type ServerMessage = { kind: 'reply'; id: number | null; result: Result<unknown> } | { kind: 'event'; event: string; data: unknown };

const BYTES_KEY = '$bytes';

export function encodeMessage(message: unknown): string | Uint8Array {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  // A walk rather than a JSON.stringify replacer: Node's Buffer has a toJSON that runs before any replacer.
  const extract = (value: unknown): unknown => {
    if (value instanceof Uint8Array) {
      blobs.push(value);
      const ref = { [BYTES_KEY]: [offset, value.byteLength] };
      offset += value.byteLength;
      return ref;
    }
    if (Array.isArray(value)) return value.map(extract);
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = extract(item);
      return out;
    }
    return value;
  };
  const json = JSON.stringify(extract(message));
  if (blobs.length === 0) return json;
  const head = new TextEncoder().encode(json);
  const frame = new Uint8Array(4 + head.byteLength + offset);
  new DataView(frame.buffer).setUint32(0, head.byteLength, true);
  frame.set(head, 4);
  let at = 4 + head.byteLength;
  for (const blob of blobs) {
    frame.set(blob, at);
    at += blob.byteLength;
  }
  return frame;
}

/** The inverse of encodeMessage; throws on a frame that is not one (the caller answers with an error). */
export function decodeMessage(frame: string | Uint8Array): unknown {
  if (typeof frame === 'string') return JSON.parse(frame);
  if (frame.byteLength < 4) throw new Error('Binary frame shorter than its header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > frame.byteLength) throw new Error('Binary frame shorter than its JSON part');
  const json = new TextDecoder().decode(frame.subarray(4, 4 + jsonLength));
  const body = frame.subarray(4 + jsonLength);
  return JSON.parse(json, (_key, value: unknown) => {
    if (isBytesRef(value)) {
      const [start, length] = value[BYTES_KEY];
      if (start + length > body.byteLength) throw new Error('Binary frame refers past its end');
      // A copy, so the frame's buffer can be released and the array owns exactly its bytes.
      return body.slice(start, start + length);
    }
    return value;
  });
}

function isBytesRef(value: unknown): value is { [BYTES_KEY]: [number, number] } {
  if (typeof value !== 'object' || value === null) return false;
  const ref = (value as Record<string, unknown>)[BYTES_KEY];
  return (
    Array.isArray(ref) &&
    ref.length === 2 &&
    Number.isInteger(ref[0]) &&
    Number.isInteger(ref[1]) &&
    ref[0] >= 0 &&
    ref[1] >= 0 &&
    Object.keys(value).length === 1
  );
}
