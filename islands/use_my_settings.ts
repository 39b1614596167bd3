import { useEffect, useRef, useState } from "preact/hooks";
import { type MyStatus, tabPresence } from "./my_presence.ts";
import { getPrefs, putPrefs } from "./room_api.ts";

/** The viewer's chosen status, kept in step with the tab's presence keeper. */
export function useMyStatus(): {
  status: MyStatus;
  choose(status: MyStatus): void;
} {
  // The server render cannot read localStorage; the keeper's value arrives once mounted.
  const [status, setStatus] = useState<MyStatus>("online");
  useEffect(() => {
    const keeper = tabPresence();
    setStatus(keeper.chosen);
    return keeper.onChange(setStatus);
  }, []);
  return {
    status,
    choose(next) {
      setStatus(next);
      tabPresence().choose(next);
    },
  };
}

/** The private-reading preference: null until loaded, then saved on every change. */
export type PrivateReading = {
  value: boolean | null;
  error: string;
  set(on: boolean): void;
};

/**
 * Loads the preference whenever `active` turns true (the panel showing it opened) and saves
 * changes, reverting with an error when the server refuses. Only the latest request counts.
 */
export function usePrivateReading(active: boolean): PrivateReading {
  const [value, setValue] = useState<boolean | null>(null);
  const [error, setError] = useState("");
  const latest = useRef(0);
  const saved = useRef<boolean | null>(null);

  useEffect(() => {
    if (!active) return;
    setError("");
    const id = latest.current;
    getPrefs().then((r) => {
      if (latest.current !== id) return;
      if (!r.ok) {
        setError(`Could not load your reading setting: ${r.message}`);
        return;
      }
      saved.current = r.data.privateReading;
      setValue(r.data.privateReading);
    });
  }, [active]);

  return {
    value,
    error,
    async set(on) {
      const id = ++latest.current;
      setValue(on);
      setError("");
      const r = await putPrefs({ privateReading: on });
      if (latest.current !== id) return;
      if (r.ok) {
        saved.current = r.data.privateReading;
        setValue(r.data.privateReading);
      } else {
        setValue(saved.current);
        setError(`Could not save your reading setting: ${r.message}`);
      }
    },
  };
}
