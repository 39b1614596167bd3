/*
 * Vicinity widget: one tag opens a room in a frame.
 *   <script src="https://vicinity.example/widget.js" data-room="ROOM_ID" async></script>
 * data-mode="inline" (default: the frame sits where the tag is) or "launcher" (a button in
 * the corner opens it); data-theme="auto" (default), "light" or "dark"; data-title.
 * One IIFE, so the page gets no globals. It talks to its frame only by postMessage, and
 * listens only to messages from its own frame at the Vicinity origin.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !script.src) return;
  const base = new URL(script.src).origin;
  const attr = function (name) {
    return script.getAttribute("data-" + name) || "";
  };
  const room = attr("room");
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(room)) return;
  const launcher = attr("mode") === "launcher";
  const theme = /^(light|dark)$/.test(attr("theme")) ? attr("theme") : "auto";
  const dark = theme === "dark" ||
    (theme === "auto" && matchMedia("(prefers-color-scheme: dark)").matches);
  const title = attr("title") || "Chat";
  const MIN_PX = 240;
  const MAX_INLINE_PX = 640;

  function css(el, rules) {
    for (const k in rules) el.style[k] = rules[k];
    return el;
  }

  const frame = css(document.createElement("iframe"), {
    display: "block",
    width: "100%",
    height: launcher ? "100%" : "480px",
    border: "0",
    colorScheme: "normal",
  });
  frame.title = title + " (Vicinity)";
  frame.src = base + "/embed/rooms/" + room + "?theme=" + theme + "&mode=" +
    (launcher ? "launcher" : "inline") + "&parent=" +
    encodeURIComponent(location.origin);

  function tell(message) {
    // Addressed to the Vicinity origin: nothing reaches a frame that navigated elsewhere.
    if (frame.contentWindow) frame.contentWindow.postMessage(message, base);
  }

  addEventListener("message", function (e) {
    if (e.origin !== base || e.source !== frame.contentWindow) return;
    const data = e.data;
    if (!data || data.type !== "vicinity:resize" || launcher) return;
    const h = Math.round(Number(data.height));
    if (h > 0) {
      frame.style.height = Math.max(MIN_PX, Math.min(h, MAX_INLINE_PX)) + "px";
    }
  });

  function mountInline() {
    const at = script.parentNode;
    if (at && at !== document.head) at.insertBefore(frame, script.nextSibling);
    else document.body.appendChild(frame);
  }

  function mountLauncher() {
    let open = false;
    let loaded = false;
    const layer = { position: "fixed", right: "16px", zIndex: "2147483000" };
    const button = css(css(document.createElement("button"), layer), {
      bottom: "16px",
      padding: "12px 20px",
      border: "0",
      borderRadius: "999px",
      font: "600 15px system-ui, sans-serif",
      cursor: "pointer",
      boxShadow: "0 4px 16px rgba(0,0,0,.25)",
      background: dark ? "#5ea1ff" : "#0b63ce",
      color: dark ? "#0b1220" : "#fff",
    });
    button.type = "button";
    button.textContent = title;
    button.setAttribute("aria-expanded", "false");
    const panel = css(css(document.createElement("div"), layer), {
      bottom: "72px",
      width: "min(380px, calc(100vw - 32px))",
      height: "min(560px, calc(100vh - 96px))",
      borderRadius: "12px",
      overflow: "hidden",
      boxShadow: "0 8px 32px rgba(0,0,0,.3)",
      background: dark ? "#1a202a" : "#fff",
      display: "none",
    });
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", title);
    frame.addEventListener("load", function () {
      tell({ type: "vicinity:shown", open: open });
    });
    function toggle(next) {
      open = next;
      // The frame loads on first open, so a closed launcher costs the page nothing.
      if (open && !loaded) {
        loaded = true;
        panel.appendChild(frame);
      }
      panel.style.display = open ? "block" : "none";
      button.setAttribute("aria-expanded", String(open));
      tell({ type: "vicinity:shown", open: open });
      if (open) frame.focus();
    }
    button.addEventListener("click", function () {
      toggle(!open);
    });
    addEventListener("keydown", function (e) {
      if (open && e.key === "Escape") {
        toggle(false);
        button.focus();
      }
    });
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  const mount = launcher ? mountLauncher : mountInline;
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
