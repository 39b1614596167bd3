/** The signed-out home page: what Vicinity is and how to start. */
export default function Welcome() {
  return (
    <section class="welcome stack">
      <h1>Chat with the people around you</h1>
      <p class="lead">
        Vicinity finds chat rooms near where you are standing — a campus, a
        conference hall, a café, your street — and lets you join the ones whose
        radius you are inside.
      </p>
      <p>
        Nobody sees your coordinates: your position is only used to find rooms
        and to check that you are close enough to join.
      </p>
      <div class="actions">
        <a class="button button--primary" href="/register">Create an account</a>
        <a class="button" href="/login">Sign in</a>
      </div>
    </section>
  );
}
