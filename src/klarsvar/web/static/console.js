/* The agent console: the live queue, a chat's case file, replying, actions, hand back, close,
 * and the copilot. Every text from a customer (or anyone) is set with textContent only. */
(function () {
  "use strict";

  var RTL = { ar: true, he: true, fa: true, ur: true, yi: true };
  var $ = function (id) { return document.getElementById(id); };
  var state = { csrf: null, user: null, current: null, file: null, seen: {}, queue: [], refresh: null, leaving: false };

  // --- helpers ------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function ago(iso) {
    if (!iso) { return ""; }
    var s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (s < 60) { return "just now"; }
    if (s < 3600) { return Math.floor(s / 60) + " min ago"; }
    if (s < 86400) { return Math.floor(s / 3600) + " h ago"; }
    return new Date(iso).toLocaleDateString();
  }
  function money(m) { return m ? m.text + " " + m.currency : ""; }
  function toLogin() {
    if (state.leaving) { return; }
    state.leaving = true;
    window.location.assign("/console/login?reason=expired&next=" + encodeURIComponent("/console"));
  }
  window.addEventListener("pagehide", function () { state.leaving = true; });

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (method !== "GET") { headers["X-CSRF-Token"] = state.csrf || ""; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
                         body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        if (res.status === 401) { toLogin(); throw new Error("Your session has ended."); }
        return res.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          if (!res.ok) {
            throw new Error((data && data.error && data.error.message) || ("Request failed (" + res.status + ")"));
          }
          return data;
        });
      });
  }

  function flash(text, bad) {
    var r = $("act-result");
    r.textContent = text;
    r.className = "result " + (bad ? "no" : "ok");
  }

  // --- the queue ----------------------------------------------------------------------------
  function loadQueue() {
    return api("GET", "/api/console/queue").then(function (items) {
      state.queue = items || [];
      renderQueue();
    }).catch(function () { /* shown on the next refresh */ });
  }

  function scheduleQueue() {
    if (state.refresh) { return; }
    state.refresh = setTimeout(function () { state.refresh = null; loadQueue(); }, 150);
  }

  function renderQueue() {
    var list = $("queue");
    clear(list);
    $("queue-count").textContent = String(state.queue.length);
    $("queue-empty").hidden = state.queue.length > 0;
    state.queue.forEach(function (item) {
      var li = el("li", "queue-item" + (item.conversation_id === state.current ? " on" : ""));
      li.tabIndex = 0;
      li.setAttribute("data-conversation", item.conversation_id);
      var row = el("div", "row");
      row.appendChild(el("span", "name", item.customer ? item.customer.name : "Guest (not verified)"));
      row.appendChild(el("span", "when", ago(item.created_at)));
      li.appendChild(row);
      var tags = el("div");
      tags.appendChild(el("span", "tag reason", item.reason));
      tags.appendChild(el("span", "tag " + item.status, item.status === "taken" ? "taken by " + item.taken_by : "waiting"));
      if (item.language) { tags.appendChild(el("span", "tag", item.language)); }
      if (item.unanswered) { tags.appendChild(el("span", "tag waiting", item.unanswered + " new")); }
      li.appendChild(tags);
      var last = el("div", "last", item.last_message || "");
      last.setAttribute("dir", "auto");
      li.appendChild(last);
      li.addEventListener("click", function () { open(item.conversation_id); });
      li.addEventListener("keydown", function (e) { if (e.key === "Enter") { open(item.conversation_id); } });
      list.appendChild(li);
    });
  }

  // --- one chat -----------------------------------------------------------------------------
  function open(id) {
    state.current = id;
    state.seen = {};
    clear($("messages"));
    renderQueue();
    return reload().then(loadCopilot);
  }

  function reload() {
    var id = state.current;
    if (!id) { return Promise.resolve(); }
    return api("GET", "/api/console/conversations/" + encodeURIComponent(id)).then(function (file) {
      if (id !== state.current) { return; }
      state.file = file;
      renderFile(file);
    }).catch(function (err) { flash(err.message, true); });
  }

  function authorLabel(m) {
    if (m.author === "customer") { return "Customer"; }
    if (m.author === "ai") { return "AI assistant"; }
    if (m.author === "human") { return "Person · " + (m.author_id || "agent"); }
    return m.author;
  }

  function showMessage(m) {
    if (state.seen[m.seq]) { return; }
    state.seen[m.seq] = true;
    var box = el("div", "msg " + m.author);
    box.setAttribute("data-author", m.author);
    box.setAttribute("data-seq", String(m.seq));
    box.setAttribute("dir", m.language && RTL[m.language] ? "rtl" : "auto");
    if (m.language) { box.setAttribute("lang", m.language); }
    box.appendChild(el("div", "who", authorLabel(m) + " · " + new Date(m.created_at).toLocaleTimeString()));
    box.appendChild(el("div", "text", m.text));
    var list = $("messages");
    list.appendChild(box);
    list.scrollTop = list.scrollHeight;
  }

  function facts(dl, pairs) {
    clear(dl);
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") { return; }
      dl.appendChild(el("dt", null, p[0]));
      dl.appendChild(el("dd", null, p[1]));
    });
  }

  function renderFile(file) {
    var conv = file.conversation;
    var h = file.handoff;
    $("chat-title").textContent = file.customer ? file.customer.name : "Guest (not verified)";
    $("chat-sub").textContent = [conv.status === "closed" ? "closed" : (conv.mode === "human" ? "with a person" : "with the AI"),
      conv.language ? "language " + conv.language : null, conv.intent ? "intent " + conv.intent : null]
      .filter(Boolean).join(" · ");
    file.messages.forEach(showMessage);

    var mine = h && h.status === "taken" && state.user && h.taken_by === state.user.username;
    $("take").hidden = !(h && (h.status === "waiting" || !mine));
    $("take").textContent = h && h.status === "taken" && !mine ? "Take over from " + h.taken_by : "Take over";
    $("handback").hidden = !mine;
    $("close").hidden = conv.status === "closed";
    $("composer").hidden = !mine;

    var s = file.summary || {};
    var f = s.facts || {};
    function actionNames(list) {
      return (list || []).map(function (a) {
        if (typeof a === "string") { return a; }
        return a && a.name ? a.name + (a.ok === false ? " (refused)" : "") : "";
      }).filter(Boolean).join(", ");
    }
    $("panel-summary").hidden = false;
    facts($("summary"), [
      ["Reason", s.reason || (h && h.reason) || conv.handoff_reason],
      ["Wants", s.wants || conv.intent],
      ["Said", s.customer_said],
      ["Mood", s.mood],
      ["Language", s.language || conv.language],
      ["Order", f.order],
      ["Verified", f.verified === undefined ? null : (f.verified ? "yes" : "no")],
      ["Pending", f.pending],
      ["AI did", actionNames(s.actions) || "nothing yet"],
      ["Earlier", actionNames(s.earlier_actions)],
      ["Waiting since", h ? new Date(h.created_at).toLocaleString() : null]
    ]);

    $("panel-customer").hidden = false;
    var c = file.customer;
    facts($("customer"), c ? [["Name", c.name], ["Email", c.email], ["Id", c.id], ["Language", c.language],
      ["Country", c.country]] : [["Who", "Not verified yet: ask for the email and a one-time code."]]);
    var orders = $("orders");
    clear(orders);
    if (!file.orders.length) { orders.appendChild(el("li", "small", "No orders to show.")); }
    file.orders.forEach(function (o) {
      var li = el("li");
      li.appendChild(el("span", "id", o.order_id + " · " + o.merchant));
      li.appendChild(el("div", null, money(o.amount) + " · " + o.product.replace(/_/g, " ") + " · " + o.status));
      if (o.next_payment) {
        li.appendChild(el("div", "small", "Next: " + money(o.next_payment.amount) + " due " + o.next_payment.due_on +
          (o.next_payment.status === "missed" ? " (missed)" : "")));
      }
      orders.appendChild(li);
    });

    $("panel-actions").hidden = false;
    var actions = $("actions");
    clear(actions);
    if (!file.actions.length) { actions.appendChild(el("li", "small", "No actions yet.")); }
    file.actions.forEach(function (a) {
      var li = el("li");
      li.appendChild(el("span", "name", a.action));
      li.appendChild(el("span", a.ok ? "ok" : "no", a.ok ? " done" : " refused"));
      li.appendChild(el("div", "small", "by " + (a.actor_kind === "ai" ? "the AI" : (a.actor_id || a.actor_kind)) +
        " · " + new Date(a.at).toLocaleString() + (a.refusal ? " · " + a.refusal : "")));
      actions.appendChild(li);
    });
    var select = $("act-name");
    if (!select.options.length) {
      file.tools.forEach(function (t) {
        var opt = el("option", null, t.name + (t.write ? "" : " (read)"));
        opt.value = t.name;
        opt.title = t.description;
        select.appendChild(opt);
      });
      select.addEventListener("change", argsTemplate);
    }
    argsTemplate();
  }

  function argsTemplate() {
    var tool = (state.file ? state.file.tools : []).filter(function (t) { return t.name === $("act-name").value; })[0];
    if (!tool) { return; }
    var args = {};
    var firstOrder = state.file.orders[0];
    tool.properties.forEach(function (p) {
      if (p === "order_id") { args[p] = firstOrder ? firstOrder.order_id : "O-"; }
      else if (p === "card_id") { args[p] = "K-"; }
      else if (tool.required.indexOf(p) >= 0) { args[p] = ""; }
    });
    $("act-args").value = JSON.stringify(args, null, 1);
  }

  // --- copilot --------------------------------------------------------------------------------
  function loadCopilot() {
    var id = state.current;
    if (!id) { return Promise.resolve(); }
    return api("GET", "/api/console/conversations/" + encodeURIComponent(id) + "/copilot").then(function (c) {
      if (id !== state.current) { return; }
      $("panel-copilot").hidden = false;
      var list = $("passages");
      clear(list);
      if (!c.passages.length) { list.appendChild(el("li", "small", "Nothing in the knowledge base fits the last message.")); }
      c.passages.forEach(function (p) {
        var li = el("li");
        var title = el("div", "title", p.title + (p.heading && p.heading !== p.title ? " › " + p.heading : ""));
        title.appendChild(el("span", "aud " + p.audience, p.audience));
        li.appendChild(title);
        var text = el("div", "text", p.text);
        text.setAttribute("dir", "auto");
        li.appendChild(text);
        list.appendChild(li);
      });
      $("suggestion").value = c.suggestion || "";
    }).catch(function () { /* the copilot is optional */ });
  }

  // --- doing things ---------------------------------------------------------------------------
  function post(path, body) {
    return api("POST", "/api/agent/conversations/" + encodeURIComponent(state.current) + path, body === undefined ? {} : body);
  }

  $("take").addEventListener("click", function () {
    post("/take").then(function () { return reload(); }).then(function () { loadQueue(); $("reply").focus(); })
      .catch(function (err) { flash(err.message, true); });
  });
  $("handback").addEventListener("click", function () {
    post("/handback").then(function (m) { showMessage(m); return reload(); }).then(loadQueue)
      .catch(function (err) { flash(err.message, true); });
  });
  $("close").addEventListener("click", function () {
    post("/close").then(function () { return reload(); }).then(loadQueue)
      .catch(function (err) { flash(err.message, true); });
  });
  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("reply").value.trim();
    if (!text) { return; }
    $("send").disabled = true;
    post("/messages", { text: text }).then(function (m) { showMessage(m); $("reply").value = ""; scheduleQueue(); })
      .catch(function (err) { flash(err.message, true); })
      .then(function () { $("send").disabled = false; });
  });
  $("reply").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("act").addEventListener("submit", function (e) {
    e.preventDefault();
    var args;
    try { args = JSON.parse($("act-args").value || "{}"); } catch (err) { flash("The arguments are not valid JSON.", true); return; }
    post("/actions", { action: $("act-name").value, args: args }).then(function (r) {
      if (r.ok) { flash(r.action + ": done"); }
      else { flash(r.action + ": refused — " + ((r.refusal && r.refusal.message) || "not allowed"), true); }
      return reload();
    }).catch(function (err) { flash(err.message, true); });
  });
  $("use-suggestion").addEventListener("click", function () {
    var reply = $("reply");
    reply.value = $("suggestion").value;
    if (!$("composer").hidden) { reply.focus(); }
  });
  $("sign-out").addEventListener("click", function () {
    api("DELETE", "/api/console/session").catch(function () { return null; })
      .then(function () { window.location.assign("/console/login"); });
  });

  // --- live updates -------------------------------------------------------------------------
  function listen() {
    var es = new EventSource("/api/console/events");
    var live = $("live");
    es.addEventListener("open", function () { live.classList.remove("off"); live.textContent = "● live"; loadQueue(); });
    window.addEventListener("pagehide", function () { es.close(); });
    es.addEventListener("error", function () {
      if (state.leaving) { return; }
      live.classList.add("off");
      live.textContent = "● reconnecting";
      // A session that has ended: the stream is refused; find out and go to the sign-in page.
      api("GET", "/api/console/session").catch(function () { es.close(); });
    });
    function on(type, fn) {
      es.addEventListener(type, function (e) {
        var data = null;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        fn(data);
      });
    }
    on("message", function (d) {
      scheduleQueue();
      if (d.conversation_id === state.current && d.message) {
        showMessage(d.message);
        if (d.message.author === "customer") { loadCopilot(); }
      }
    });
    ["handoff", "taken", "handed_back", "closed"].forEach(function (type) {
      on(type, function (d) { scheduleQueue(); if (d.conversation_id === state.current) { reload(); } });
    });
  }

  api("GET", "/api/console/session").then(function (s) {
    state.csrf = s.csrf_token;
    state.user = s.user;
    $("me").textContent = s.user.display_name + " · " + s.user.role;
    $("nav-dashboard").hidden = s.user.role === "agent";
    loadQueue();
    listen();
  }).catch(function () { /* toLogin already */ });
})();
