import type { StudioEventMap, StudioEventName } from '../../shared/contract.js';

export type EventSink = <E extends StudioEventName>(event: E, data: StudioEventMap[E]) => void;

/**
 * Fans the services' events out to every window (the desktop window, each WebSocket client).
 * A sink that throws is dropped from that one delivery, never from the bus: one closed window
 * must not stop the others from hearing about training.
 */
export class StudioEvents {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends StudioEventName>(event: E, data: StudioEventMap[E]): void {
    for (const sink of this.sinks) {
      try {
        sink(event, data);
      } catch (error) {
        console.warn(`A window could not receive ${event}: ${(error as Error).message}`);
      }
    }
  }
}
