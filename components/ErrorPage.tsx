const TITLES: Record<number, string> = {
  400: "That request was not valid",
  401: "Please sign in",
  403: "Not allowed",
  404: "Page not found",
  409: "Conflict",
  413: "Too large",
  429: "Slow down",
  500: "Something went wrong",
};

/** The heading an error page shows for a status. */
export function errorTitle(status: number): string {
  return TITLES[status] ?? "Something went wrong";
}

/** An error page body: the status, a title, the message and a way home. */
export default function ErrorPage(
  { status, message }: { status: number; message: string },
) {
  return (
    <section class="card error-page">
      <p class="error-page__status">Error {status}</p>
      <h1>{errorTitle(status)}</h1>
      <p>{message}</p>
      <p>
        <a class="button" href="/">Back to rooms nearby</a>
      </p>
    </section>
  );
}
