import { useEffect, useState } from "preact/hooks";
import * as z from "zod";
import CheckInCode from "../components/CheckInCode.tsx";
import type { CheckInScreenProps } from "../lib/shared/island_props.ts";
import { apiJson } from "./api_client.ts";
import { useHydrated } from "./hooks.ts";
import { nextRefreshMs } from "./room_access.ts";

const CodeSchema = z.object({ code: z.string(), rotatesAt: z.string() });

/**
 * The venue's check-in screen: shows the room's current code and fetches the next one when
 * it changes (about every 30 s), so visitors can join by typing what they see.
 */
export default function CheckInScreen(props: CheckInScreenProps) {
  const hydrated = useHydrated();
  const [shown, setShown] = useState({
    code: props.code,
    rotatesAt: props.rotatesAt,
    fetched: 0,
  });
  const [error, setError] = useState("");

  useEffect(() => {
    const wait = nextRefreshMs(shown.rotatesAt, Date.now(), !!error);
    const timer = setTimeout(async () => {
      const r = await apiJson(
        `/rooms/${props.roomId}/checkin-code`,
        CodeSchema,
      );
      setError(r.ok ? "" : r.message);
      setShown((s) =>
        r.ok ? { ...r.data, fetched: s.fetched + 1 } : {
          ...s,
          fetched: s.fetched + 1,
        }
      );
    }, wait);
    return () => clearTimeout(timer);
  }, [shown.fetched]);

  return (
    <CheckInCode
      roomName={props.roomName}
      roomUrl={props.roomUrl}
      code={shown.code}
      error={error}
      onFullScreen={hydrated && document.fullscreenEnabled
        ? () => void document.documentElement.requestFullscreen()
        : undefined}
    />
  );
}
