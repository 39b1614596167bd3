import Field from "./Field.tsx";

/** What the sign-in and register forms show: kept values, errors and where to go next. */
export type AuthFormProps = {
  mode: "login" | "register";
  next: string;
  values: { handle?: string; displayName?: string };
  fieldErrors: Record<string, string>;
  formError?: string;
};

/** The register or sign-in form; a plain POST that works without JavaScript. */
export default function AuthForm(props: AuthFormProps) {
  const register = props.mode === "register";
  const action = register ? "/register" : "/login";
  const query = props.next === "/"
    ? ""
    : `?next=${encodeURIComponent(props.next)}`;
  return (
    <section class="card auth">
      <h1>{register ? "Create your account" : "Sign in"}</h1>
      {props.formError && (
        <p class="form-error" role="alert">{props.formError}</p>
      )}
      <form method="post" action={action} class="stack">
        <input type="hidden" name="next" value={props.next} />
        <Field
          id="handle"
          name="handle"
          label="Handle"
          hint={register ? "3–32 letters, digits or underscores" : undefined}
          value={props.values.handle ?? ""}
          error={props.fieldErrors.handle}
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          required
          maxLength={32}
        />
        {register && (
          <Field
            id="displayName"
            name="displayName"
            label="Display name"
            hint="Shown beside your messages"
            value={props.values.displayName ?? ""}
            error={props.fieldErrors.displayName}
            autoComplete="nickname"
            required
            maxLength={64}
          />
        )}
        <Field
          id="password"
          name="password"
          type="password"
          label="Password"
          hint={register ? "At least 8 characters" : undefined}
          error={props.fieldErrors.password}
          autoComplete={register ? "new-password" : "current-password"}
          required
          minLength={register ? 8 : undefined}
          maxLength={256}
        />
        <button type="submit" class="button button--primary">
          {register ? "Create account" : "Sign in"}
        </button>
      </form>
      <p class="muted">
        {register ? "Already have an account? " : "New here? "}
        <a href={`${register ? "/login" : "/register"}${query}`}>
          {register ? "Sign in" : "Create an account"}
        </a>
      </p>
    </section>
  );
}
