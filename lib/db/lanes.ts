/**
 * Runs tasks one at a time per key, in arrival order. Sends to one room queue in their
 * isolate's lane, so only isolates (not every request) race on the room's head key.
 */
export function createLanes() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    /** Runs `task` after every earlier task of the same key has settled. */
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => {});
      tails.set(key, tail);
      // Forget an idle lane so the map holds only rooms with sends in flight.
      tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** How many keys have tasks queued or running. */
    get size() {
      return tails.size;
    },
  };
}
