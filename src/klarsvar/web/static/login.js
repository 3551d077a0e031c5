// Console sign-in: a CSRF token for the form (double submit), then POST the credentials.
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  var error = document.getElementById("login-error");
  var reason = document.getElementById("login-reason");
  var params = new URLSearchParams(window.location.search);
  var csrf = null;
  if (params.get("reason") === "expired") {
    reason.textContent = "Your session has ended. Please sign in again.";
    reason.hidden = false;
  }
  function fetchToken() {
    return fetch("/api/console/csrf", { headers: { "Accept": "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (body) { csrf = body.csrf_token; return csrf; });
  }
  var ready = fetchToken();
  function next() {
    var target = params.get("next") || "/console";
    return target.charAt(0) === "/" && target.charAt(1) !== "/" ? target : "/console";
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    error.hidden = true;
    var body = { username: form.username.value.trim(), password: form.password.value };
    ready.then(function () {
      return fetch("/api/console/session", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf || "" },
        body: JSON.stringify(body)
      });
    }).then(function (res) {
      if (res.ok) { window.location.assign(next()); return; }
      return res.json().catch(function () { return null; }).then(function (data) {
        error.textContent = (data && data.error && data.error.message) || "Sign-in failed.";
        error.hidden = false;
        form.password.value = "";
        form.password.focus();
        ready = fetchToken();
      });
    });
  });
})();
