/** What each built-in dataset hands to importBuiltin: its classes and a way to walk its images in order. */
export interface BuiltinImages {
  name: string;
  /** Class names in label order. */
  classes: string[];
  count: number;
  /** Side of the square images `images()` yields; importBuiltin resizes when another size was asked. */
  size: number;
  channels: 1 | 3;
  /** Yields `count` images of size x size x channels bytes (row-major HWC) with their label, always in the same order. */
  images(): Iterable<{ pixels: Uint8Array; label: number }>;
}

/**
 * Walks several per-class lists in turn (one of class 0, one of class 1, ...) so that the first n images
 * are balanced across classes, whatever n a caller limits the set to.
 */
export function* roundRobin<T>(perClass: T[][]): Generator<{ item: T; label: number }> {
  const longest = Math.max(0, ...perClass.map((list) => list.length));
  for (let round = 0; round < longest; round++) {
    for (let label = 0; label < perClass.length; label++) {
      if (round < perClass[label].length) yield { item: perClass[label][round], label };
    }
  }
}
