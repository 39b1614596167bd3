/** A counting proxy over Deno.Kv, so a benchmark can see what a repository asks of KV. */

/** What one call (or a run of calls) did to KV; times are performance.now() values. */
export type KvCounters = {
  start: number;
  end: number;
  lists: number;
  entries: number;
  waves: number;
  /** Lists and entries per wave, by wave index. */
  listsByWave: number[];
  entriesByWave: number[];
  getManyCalls: number;
  keysFetched: number;
  firstGetMany: number | null;
  open: number;
};

/** Fresh counters, started now. */
export function newCounters(): KvCounters {
  return {
    start: performance.now(),
    end: 0,
    lists: 0,
    entries: 0,
    waves: 0,
    listsByWave: [],
    entriesByWave: [],
    getManyCalls: 0,
    keysFetched: 0,
    firstGetMany: null,
    open: 0,
  };
}

async function* counted<T>(
  it: AsyncIterable<Deno.KvEntry<T>>,
  c: KvCounters,
  wave: number,
): AsyncGenerator<Deno.KvEntry<T>> {
  try {
    for await (const e of it) {
      c.entries++;
      c.entriesByWave[wave] = (c.entriesByWave[wave] ?? 0) + 1;
      yield e;
    }
  } finally {
    c.open--;
  }
}

/**
 * Wraps `kv` so list() counts cells and entries and getMany() counts keys; a list started
 * while no other list is open begins a new "wave" (one step of a radius ladder).
 */
export function countingKv(kv: Deno.Kv, c: KvCounters): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "list") {
        return (sel: Deno.KvListSelector, opts?: Deno.KvListOptions) => {
          if (c.open === 0) c.waves++;
          c.open++;
          c.lists++;
          const wave = c.waves - 1;
          c.listsByWave[wave] = (c.listsByWave[wave] ?? 0) + 1;
          return counted(target.list(sel, opts), c, wave);
        };
      }
      if (prop === "getMany") {
        return (
          ks: Deno.KvKey[],
          opts?: { consistency?: Deno.KvConsistencyLevel },
        ) => {
          c.getManyCalls++;
          c.keysFetched += ks.length;
          c.firstGetMany ??= performance.now();
          return target.getMany(ks, opts);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
