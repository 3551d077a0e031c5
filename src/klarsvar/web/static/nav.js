// Sign-out for server-rendered console pages (the request carries the session's CSRF token).
(function () {
  "use strict";
  var button = document.getElementById("sign-out");
  if (!button) { return; }
  button.addEventListener("click", function () {
    fetch("/api/console/session", { headers: { "Accept": "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (s) {
        if (!s) { return null; }
        return fetch("/api/console/session", { method: "DELETE", headers: { "X-CSRF-Token": s.csrf_token } });
      })
      .then(function () { window.location.assign("/console/login"); });
  });
})();
