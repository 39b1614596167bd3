import assert from "node:assert/strict";
import { unreadCount } from "../../islands/use_notifications.ts";

Deno.test("unreadCount - the server's count and streamed mentions add up once, in either order", () => {
  // The stream brought seq 4 before the REST answer, which was read before it (head 3).
  assert.equal(unreadCount({ unread: 2, head: 3 }, [4]), 3);
  // The REST answer was read after seq 4 landed: it counts it already.
  assert.equal(unreadCount({ unread: 3, head: 4 }, [4]), 3);
  // Before any REST answer, only what streamed counts.
  assert.equal(unreadCount(null, [7, 8]), 2);
  // After "mark all read" up to 8, only later ones count.
  assert.equal(unreadCount({ unread: 0, head: 8 }, [9]), 1);
  assert.equal(unreadCount({ unread: 0, head: 8 }, []), 0);
});
