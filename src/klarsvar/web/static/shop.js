// The demo shop: pick a demo customer to chat signed in; open the chat from the hero button.
(function () {
  "use strict";
  function whenReady(fn) {
    if (window.Klarsvar) { fn(window.Klarsvar); return; }
    window.addEventListener("klarsvar:ready", function () { fn(window.Klarsvar); }, { once: true });
  }
  var select = document.getElementById("demo-customer");
  if (select) {
    select.addEventListener("change", function () {
      var email = select.value;
      whenReady(function (k) { if (email) { k.signIn(email); } else { k.signOut(); } k.open(); });
    });
  }
  var open = document.getElementById("open-chat");
  if (open) { open.addEventListener("click", function () { whenReady(function (k) { k.open(); }); }); }
})();
