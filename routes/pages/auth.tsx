import type { Context } from "hono";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod";
import AuthForm, { type AuthFormProps } from "../../components/AuthForm.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { requireOwnOrigin } from "../../lib/http/origin.ts";
import { render } from "../../lib/http/render.tsx";
import {
  clearSessionCookie,
  clientAddress,
  setSessionCookie,
} from "../../lib/http/session.ts";
import type { SignedIn } from "../../lib/services/accounts.ts";
import { AppError } from "../../lib/shared/errors.ts";
import {
  LoginInputSchema,
  RegisterInputSchema,
} from "../../lib/shared/schemas.ts";
import { fieldErrors, formLimit, readForm, safeNext } from "./forms.ts";

const WORDING = {
  handle: "Use 3–32 letters, digits or underscores",
  displayName:
    "Enter a display name of up to 64 characters, without invisible or text-direction characters",
  password: "Use at least 8 characters",
};

type Mode = AuthFormProps["mode"];
type FormState = Omit<AuthFormProps, "mode">;

function page(
  c: Context<AppEnv>,
  mode: Mode,
  form: FormState,
  status: ContentfulStatusCode = 200,
) {
  return render(c, <AuthForm mode={mode} {...form} />, {
    title: mode === "register" ? "Register" : "Sign in",
    status,
  });
}

type Attempt =
  | { error: z.ZodError }
  | { run(c: Context<AppEnv>): Promise<SignedIn> };

/** Validates the fields for the mode into a sign-in to run, or the validation error. */
function prepare(mode: Mode, fields: Record<string, string>): Attempt {
  if (mode === "register") {
    const p = RegisterInputSchema.safeParse(fields);
    if (!p.success) return { error: p.error };
    return {
      run: (c) => c.var.services.accounts.register(p.data, clientAddress(c)),
    };
  }
  const p = LoginInputSchema.safeParse(fields);
  if (!p.success) return { error: p.error };
  return {
    run: (c) => c.var.services.accounts.login(p.data, clientAddress(c)),
  };
}

/** Validates the form, signs in through the service, and redirects or re-renders. */
async function submit(c: Context<AppEnv>, mode: Mode) {
  requireOwnOrigin(c);
  const fields = await readForm(c);
  const next = safeNext(fields.next);
  const values = { handle: fields.handle, displayName: fields.displayName };
  const attempt = prepare(mode, fields);
  if ("error" in attempt) {
    const wording = mode === "register" ? WORDING : {};
    const errors = fieldErrors(attempt.error, wording);
    return page(c, mode, { next, values, fieldErrors: errors }, 400);
  }
  let signedIn: SignedIn;
  try {
    signedIn = await attempt.run(c);
  } catch (err) {
    // Expected refusals (taken handle, bad password, rate limit) belong on the form itself.
    if (!(err instanceof AppError) || ![401, 409, 429].includes(err.status)) {
      throw err;
    }
    const retry = (err.details as { retryAfterS?: number })?.retryAfterS;
    if (retry) c.header("Retry-After", String(retry));
    const form = { next, values, fieldErrors: {}, formError: err.message };
    return page(c, mode, form, err.status);
  }
  setSessionCookie(c, signedIn.token, signedIn.expiresAt);
  return c.redirect(next, 303);
}

function show(c: Context<AppEnv>, mode: Mode) {
  const next = safeNext(c.req.query("next"));
  if (c.var.user) return c.redirect(next, 303);
  return page(c, mode, { next, values: {}, fieldErrors: {} });
}

/** /register, /login and /logout: plain forms that work without JavaScript. */
export function createAuthPages() {
  return new Hono<AppEnv>()
    .get("/register", (c) => show(c, "register"))
    .post("/register", formLimit, (c) => submit(c, "register"))
    .get("/login", (c) => show(c, "login"))
    .post("/login", formLimit, (c) => submit(c, "login"))
    .post("/logout", formLimit, async (c) => {
      requireOwnOrigin(c);
      if (c.var.token) await c.var.services.accounts.logout(c.var.token);
      clearSessionCookie(c);
      return c.redirect("/", 303);
    });
}
