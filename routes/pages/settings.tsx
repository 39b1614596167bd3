import type { Context } from "hono";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "zod";
import SettingsPage from "../../components/SettingsPage.tsx";
import { hashToken } from "../../lib/db/sessions.ts";
import type { User } from "../../lib/db/users.ts";
import { toUserView } from "../../lib/db/users.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { requireOwnOrigin } from "../../lib/http/origin.ts";
import { render } from "../../lib/http/render.tsx";
import { clearSessionCookie } from "../../lib/http/session.ts";
import {
  ChangeDisplayNameSchema,
  ChangePasswordSchema,
  DeleteAccountSchema,
  SessionIdSchema,
} from "../../lib/shared/account_schemas.ts";
import { AppError } from "../../lib/shared/errors.ts";
import { UlidSchema } from "../../lib/shared/schemas.ts";
import { fieldErrors, formLimit, readForm } from "./forms.ts";

const NOTICES: Record<string, string> = {
  name: "Your display name is saved.",
  password: "Your password is changed; your other sessions are signed out.",
  revoked: "That session is signed out.",
  others: "Every other session is signed out.",
  unblocked: "That person is unblocked.",
};

const WORDING = {
  displayName:
    "Enter a display name of up to 64 characters, without invisible or text-direction characters",
  newPassword: "Use at least 8 characters",
};

type Form = {
  errors: Record<string, string>;
  values?: { displayName?: string };
  notice?: string;
};

async function page(
  c: Context<AppEnv>,
  user: User,
  form: Form,
  status: ContentfulStatusCode = 200,
) {
  const current = await hashToken(c.var.token!);
  const [sessions, blocked] = await Promise.all([
    c.var.services.accountSelf.listSessions(user, current),
    c.var.services.conversations.listBlocked(user),
  ]);
  const body = (
    <SettingsPage
      user={toUserView(user)}
      sessions={sessions}
      blocked={blocked}
      {...form}
    />
  );
  return render(c, body, { title: "Settings", status });
}

/** Runs a form's action: validated fields in, an error re-rendered on the form, else redirect. */
function action<S extends z.ZodType>(
  schema: S,
  run: (c: Context<AppEnv>, user: User, data: z.infer<S>) => Promise<string>,
) {
  return async (c: Context<AppEnv>) => {
    requireOwnOrigin(c);
    const user = c.var.user;
    if (!user) return c.redirect("/login?next=%2Fsettings", 303);
    const fields = await readForm(c);
    const parsed = schema.safeParse(fields);
    const values = { displayName: fields.displayName };
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, WORDING);
      return page(c, user, { errors, values }, 400);
    }
    try {
      return c.redirect(await run(c, user, parsed.data), 303);
    } catch (err) {
      // A wrong password or a rate limit belongs on the form, beside its field.
      if (!(err instanceof AppError) || ![400, 429].includes(err.status)) {
        throw err;
      }
      const field = (err.details as { field?: string })?.field ?? "password";
      return page(
        c,
        user,
        { errors: { [field]: err.message }, values },
        err.status,
      );
    }
  };
}

const SessionIdForm = z.object({ id: SessionIdSchema });
const UserIdForm = z.object({ userId: UlidSchema });
const Nothing = z.object({});

const tokenHash = (c: Context<AppEnv>) => hashToken(c.var.token!);

/** /settings and the plain forms it posts: name, password, sessions, unblocking, deletion. */
export function createSettingsPages() {
  return new Hono<AppEnv>()
    .get("/settings", (c) => {
      const user = c.var.user;
      if (!user) return c.redirect("/login?next=%2Fsettings", 303);
      const notice = NOTICES[c.req.query("done") ?? ""];
      return page(c, user, { errors: {}, notice });
    })
    .post(
      "/settings/name",
      formLimit,
      action(ChangeDisplayNameSchema, async (c, user, d) => {
        await c.var.services.accountSelf.changeDisplayName(user, d.displayName);
        return "/settings?done=name";
      }),
    )
    .post(
      "/settings/password",
      formLimit,
      action(ChangePasswordSchema, async (c, user, d) => {
        await c.var.services.accountSelf.changePassword(
          user,
          await tokenHash(c),
          d,
        );
        return "/settings?done=password";
      }),
    )
    .post(
      "/settings/sessions/revoke",
      formLimit,
      action(SessionIdForm, async (c, user, d) => {
        await c.var.services.accountSelf.revokeSession(user, d.id);
        return "/settings?done=revoked";
      }),
    )
    .post(
      "/settings/sessions/revoke-others",
      formLimit,
      action(Nothing, async (c, user) => {
        await c.var.services.accountSelf.revokeOtherSessions(
          user,
          await tokenHash(c),
        );
        return "/settings?done=others";
      }),
    )
    .post(
      "/settings/blocks/remove",
      formLimit,
      action(UserIdForm, async (c, user, d) => {
        await c.var.services.conversations.unblock(user, d.userId).catch(
          (err) => {
            // A refusal (too many actions) belongs beside the block list.
            throw err instanceof AppError
              ? new AppError(err.status, err.code, err.message, {
                field: "blocks",
              })
              : err;
          },
        );
        return "/settings?done=unblocked";
      }),
    )
    .post(
      "/settings/delete",
      formLimit,
      action(DeleteAccountSchema, async (c, user, d) => {
        await c.var.services.accountSelf.deleteAccount(user, d.password);
        clearSessionCookie(c);
        return "/";
      }),
    );
}
