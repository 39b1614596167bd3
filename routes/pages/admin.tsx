import type { Context } from "hono";
import { Hono } from "hono";
import AdminAnalytics, {
  type RangeForm,
} from "../../components/AdminAnalytics.tsx";
import AdminRooms from "../../components/AdminRooms.tsx";
import AdminUsers from "../../components/AdminUsers.tsx";
import type { User } from "../../lib/db/users.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { render } from "../../lib/http/render.tsx";
import { isStaff } from "../../lib/services/stats.ts";
import {
  AdminListQuerySchema,
  AdminStatsQuerySchema,
} from "../../lib/shared/admin_schemas.ts";
import { AppError, validation } from "../../lib/shared/errors.ts";

/** The admin pages do not exist for anyone but site staff: the same 404 as any unknown page. */
function requireStaffPage(c: Context<AppEnv>): User {
  const user = c.var.user;
  if (!isStaff(user)) throw new AppError(404, "not_found", "No such page");
  return user;
}

/** A list page's cursor from the query; a malformed one is a 400 page. */
function cursorOf(c: Context<AppEnv>): string | undefined {
  const q = AdminListQuerySchema.safeParse({
    cursor: c.req.query("cursor") || undefined,
  });
  if (!q.success) throw validation("That page cursor is not valid");
  return q.data.cursor;
}

/** /admin (analytics charts), /admin/users and /admin/rooms, for site admins and moderators. */
export function createAdminPages() {
  return new Hono<AppEnv>()
    .get("/admin", async (c) => {
      const user = requireStaffPage(c);
      // An empty field (a cleared date input) means "the default".
      const raw = {
        from: c.req.query("from") || undefined,
        to: c.req.query("to") || undefined,
      };
      const form: RangeForm = { from: raw.from ?? "", to: raw.to ?? "" };
      const q = AdminStatsQuerySchema.safeParse(raw);
      const stats = q.success
        ? await c.var.services.stats.report(user, q.data).catch((err) => {
          if (err instanceof AppError && err.status === 400) {
            form.error = err.message;
            return null;
          }
          throw err;
        })
        : null;
      if (!q.success) form.error = "Give the days as YYYY-MM-DD dates";
      if (stats) Object.assign(form, { from: stats.from, to: stats.to });
      return render(c, <AdminAnalytics stats={stats} form={form} />, {
        title: "Admin",
        status: stats ? 200 : 400,
      });
    })
    .get("/admin/users", async (c) => {
      const user = requireStaffPage(c);
      const cursor = cursorOf(c);
      const page = await c.var.services.stats.listUsers(user, cursor);
      return render(c, <AdminUsers page={page} first={!cursor} />, {
        title: "Users · Admin",
      });
    })
    .get("/admin/rooms", async (c) => {
      const user = requireStaffPage(c);
      const cursor = cursorOf(c);
      const page = await c.var.services.stats.listRooms(user, cursor);
      return render(c, <AdminRooms page={page} first={!cursor} />, {
        title: "Rooms · Admin",
      });
    });
}
