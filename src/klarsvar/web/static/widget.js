/* klarsvar chat widget — embed on any page with one tag:
 *   <script src="https://YOUR-KLARSVAR-HOST/widget.js" defer></script>
 * Options (attributes of the tag): data-title="…", data-open (start open), data-email="…" (demo sign-in).
 * The chat itself runs in an iframe served by klarsvar; this loader only adds the launcher
 * and exposes window.Klarsvar = { open, close, toggle, signIn(email), signOut() }. */
(function () {
  "use strict";
  if (window.Klarsvar) { return; }
  var script = document.currentScript;
  var src = script && script.src ? script.src : "/widget.js";
  var origin = new URL(src, window.location.href).origin;
  var title = (script && script.getAttribute("data-title")) || "Chat with us";

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = origin + "/static/widget-embed.css";
  document.head.appendChild(css);

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "klarsvar-launcher";
  launcher.setAttribute("aria-label", title);
  launcher.setAttribute("aria-expanded", "false");
  var bubble = document.createElement("span");
  bubble.className = "klarsvar-launcher-icon";
  bubble.setAttribute("aria-hidden", "true");
  var text = document.createElement("span");
  text.className = "klarsvar-launcher-text";
  text.textContent = title;
  launcher.appendChild(bubble);
  launcher.appendChild(text);

  var frameBox = document.createElement("div");
  frameBox.className = "klarsvar-frame";
  frameBox.hidden = true;
  var frame = document.createElement("iframe");
  frame.title = title;
  frame.src = origin + "/widget";
  frame.setAttribute("allow", "clipboard-write");
  frameBox.appendChild(frame);

  var queue = [];
  var loaded = false;
  frame.addEventListener("load", function () {
    loaded = true;
    queue.splice(0).forEach(post);
  });

  function post(message) {
    if (!loaded) { queue.push(message); return; }
    frame.contentWindow.postMessage(message, origin);
  }

  function open() {
    frameBox.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    document.documentElement.classList.add("klarsvar-open");
    post({ type: "klarsvar:focus" });
  }

  function close() {
    frameBox.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    document.documentElement.classList.remove("klarsvar-open");
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (frameBox.hidden) { open(); } else { close(); } });
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
    if (event.data && event.data.type === "klarsvar:close") { close(); }
  });

  function mount() {
    document.body.appendChild(frameBox);
    document.body.appendChild(launcher);
    var email = script && script.getAttribute("data-email");
    if (email) { post({ type: "klarsvar:signin", email: email }); }
    if (script && script.hasAttribute("data-open")) { open(); }
    window.dispatchEvent(new Event("klarsvar:ready"));
  }

  window.Klarsvar = {
    open: open,
    close: close,
    toggle: function () { if (frameBox.hidden) { open(); } else { close(); } },
    signIn: function (email) { post({ type: "klarsvar:signin", email: String(email) }); },
    signOut: function () { post({ type: "klarsvar:signout" }); },
    frame: frame
  };
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
