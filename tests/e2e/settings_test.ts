import assert from "node:assert/strict";
import { api, registerUser } from "../helpers/api.ts";
import { startServer } from "../helpers/server.ts";
import { type Browser, launchChromium, openAs } from "./browser.ts";

Deno.test("settings page - rename shows in the header; another session can be signed out", async () => {
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    const ana = await registerUser(server.url, "set");
    const login = await api(server.url, "/auth/login", {
      body: { handle: ana.user.handle, password: "correct horse battery" },
    });
    assert.equal(login.status, 200);
    const otherToken: string = login.body.token;
    browser = await launchChromium();
    const page = await openAs(browser, server.url, ana);
    await page.goto(`${server.url}/`);
    await page.getByRole("banner").getByRole("link", { name: "Settings" })
      .click();
    await page.waitForURL(`${server.url}/settings`);

    await page.getByLabel("Display name", { exact: true }).fill(
      "Ana <b>Renamed</b>",
    );
    await page.getByRole("button", { name: "Save name" }).click();
    await page.getByRole("status").getByText("Your display name is saved.")
      .waitFor();
    await page.getByRole("banner").getByText("Ana <b>Renamed</b>", {
      exact: true,
    }).waitFor();

    const sessions = page.getByRole("list", { name: "Sessions" });
    assert.equal(await sessions.getByRole("listitem").count(), 2);
    await sessions.getByText("This device").waitFor();
    await sessions.getByRole("button", { name: /^Sign out session/ }).click();
    await page.getByRole("status").getByText("That session is signed out.")
      .waitFor();
    assert.equal(await sessions.getByRole("listitem").count(), 1);
    assert.equal(
      (await api(server.url, "/me", { token: otherToken })).status,
      401,
    );
    assert.equal(
      (await api(server.url, "/me", { token: ana.token })).status,
      200,
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
});
