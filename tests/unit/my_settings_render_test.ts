import assert from "node:assert/strict";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import MySettings, {
  type MySettingsProps,
} from "../../components/MySettings.tsx";

function render(over: Partial<MySettingsProps> = {}): string {
  return renderToString(h(MySettings, {
    status: "online",
    privateReading: false,
    error: "",
    disabled: false,
    onStatus() {},
    onPrivateReading() {},
    ...over,
  }));
}

Deno.test("my settings - a labelled status picker and a private-reading checkbox", () => {
  const html = render({ status: "dnd", privateReading: true });
  assert.match(
    html,
    /<label class="my-settings__status"><span>Your status<\/span>/,
  );
  assert.match(html, /<option selected value="dnd">Do not disturb<\/option>/);
  assert.match(html, /dot--dnd/);
  assert.match(html, /<input type="checkbox" checked\/?>/);
  assert.match(
    html,
    /Keep my reading private \(others won't see when I've read\)/,
  );
  assert.doesNotMatch(html, /role="alert"/);
});

Deno.test("my settings - the checkbox waits for the preference and errors are announced", () => {
  const html = render({ privateReading: null, error: "Could not <b>" });
  assert.match(
    html,
    /<input type="checkbox" disabled aria-describedby="my-settings-error"/,
  );
  assert.match(html, /role="alert">Could not &lt;b><\/p>/);
});
