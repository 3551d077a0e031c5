/* The klarsvar chat widget (runs inside the iframe served at /widget).
 * Customer text is only ever put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  var RTL = { ar: true, he: true, fa: true, ur: true, yi: true };
  var $ = function (id) { return document.getElementById(id); };
  var els = {
    root: $("kw"), log: $("kw-log"), form: $("kw-form"), input: $("kw-input"), send: $("kw-send"),
    person: $("kw-person"), end: $("kw-end"), who: $("kw-who"), sub: $("kw-sub"), close: $("kw-close"),
    signinToggle: $("kw-signin-toggle"), signin: $("kw-signin"), email: $("kw-email"),
    survey: $("kw-survey"), rate: $("kw-rate"), skip: $("kw-skip"), comment: $("kw-comment"),
    thanks: $("kw-thanks"), fresh: $("kw-new")
  };
  var state = {
    id: null, token: null, name: null, mode: "ai", status: "open", busy: false, events: null,
    seen: {}, nodes: {}, buffer: [], score: null, rated: false, lastSeq: 0
  };

  // --- the widget's own labels, in the conversation's language ------------------------------
  // GET /widget/labels?lang=xx gives the catalogue's widget.* messages; the English defaults in
  // the page and below are what shows until they arrive (or if they cannot be fetched).
  var i18n = { lang: null, wanted: null, labels: {}, cache: {} };

  function t(key, fallback, params) {
    var text = i18n.labels[key] || fallback;
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(params[k]); });
    return text;
  }

  function baseLanguage(raw) { return String(raw || "en").toLowerCase().split(/[-_]/)[0]; }

  function setLanguage(raw) {
    var lang = baseLanguage(raw);
    if (lang === i18n.lang || lang === i18n.wanted) { return Promise.resolve(); }
    i18n.wanted = lang;
    var load = i18n.cache[lang] ? Promise.resolve(i18n.cache[lang]) :
      fetch("/widget/labels?lang=" + encodeURIComponent(lang), { headers: { "Accept": "application/json" } })
        .then(function (res) { if (!res.ok) { throw new Error("labels " + res.status); } return res.json(); });
    return load.then(function (data) {
      i18n.cache[lang] = data;
      if (i18n.wanted !== lang) { return; }  // a later language won
      i18n.lang = lang;
      i18n.labels = data.labels || {};
      applyLabels(data);
    }).catch(function () { if (i18n.wanted === lang) { i18n.wanted = i18n.lang; } });
  }

  function applyLabels(data) {
    var html = document.documentElement;
    html.setAttribute("lang", data.language || "en");
    html.setAttribute("dir", data.dir === "rtl" ? "rtl" : "ltr");
    Array.prototype.forEach.call(document.querySelectorAll("[data-l10n]"), function (el) {
      var text = i18n.labels[el.getAttribute("data-l10n")];
      if (text) { el.textContent = text; }
    });
    [["data-l10n-placeholder", "placeholder"], ["data-l10n-aria-label", "aria-label"]].forEach(function (pair) {
      Array.prototype.forEach.call(document.querySelectorAll("[" + pair[0] + "]"), function (el) {
        var text = i18n.labels[el.getAttribute(pair[0])];
        if (text) { el.setAttribute(pair[1], text); }
      });
    });
    setMode(state.mode);
    setWho();
    Array.prototype.forEach.call(els.log.querySelectorAll(".kw-msg"), function (node) {
      var old = node.querySelector(".kw-meta");
      if (old) { node.replaceChild(meta(node.getAttribute("data-author"), node.getAttribute("data-author-id")), old); }
    });
  }

  // --- storage (sessionStorage may be unavailable in a sandboxed or private iframe) ---------
  function load(key) { try { return window.sessionStorage.getItem("klarsvar." + key); } catch (e) { return null; } }
  function save(key, value) {
    try {
      if (value === null || value === undefined) { window.sessionStorage.removeItem("klarsvar." + key); }
      else { window.sessionStorage.setItem("klarsvar." + key, value); }
    } catch (e) { /* not kept across reloads: fine */ }
  }

  // --- rendering -----------------------------------------------------------------------------
  function scrollDown() { els.log.scrollTop = els.log.scrollHeight; }

  function note(text, kind) {
    var div = document.createElement("div");
    div.className = "kw-note" + (kind ? " kw-" + kind : "");
    div.setAttribute("dir", "auto");
    div.textContent = text;
    els.log.appendChild(div);
    scrollDown();
    return div;
  }

  function direction(language) { return language && RTL[String(language).slice(0, 2)] ? "rtl" : "auto"; }

  function meta(author, authorId) {
    var wrap = document.createElement("div");
    wrap.className = "kw-meta";
    var badge = document.createElement("span");
    var who = document.createElement("span");
    if (author === "ai") {
      badge.className = "kw-badge kw-badge-ai";
      badge.textContent = t("badge_ai", "AI");
      who.textContent = t("author_ai", "Lumo AI assistant");
    } else if (author === "human") {
      badge.className = "kw-badge kw-badge-human";
      badge.textContent = t("badge_person", "Person");
      who.textContent = t("author_human", "Lumo team");
    } else if (author === "customer") {
      who.textContent = t("author_you", "You");
      wrap.appendChild(who);
      return wrap;
    } else {
      who.textContent = "Lumo";
    }
    wrap.appendChild(badge);
    wrap.appendChild(who);
    if (author === "human" && authorId) { wrap.title = t("written_by_person", "Written by a person from the Lumo team"); }
    return wrap;
  }

  function bubble(author, authorId) {
    var div = document.createElement("div");
    div.className = "kw-msg kw-" + author;
    div.setAttribute("data-author", author);
    if (authorId) { div.setAttribute("data-author-id", authorId); }
    div.appendChild(meta(author, authorId));
    var text = document.createElement("div");
    text.className = "kw-text";
    div.appendChild(text);
    return div;
  }

  function fill(node, m) {
    node.setAttribute("data-seq", String(m.seq));
    node.setAttribute("dir", direction(m.language));
    if (m.language) { node.setAttribute("lang", m.language); }
    node.querySelector(".kw-text").textContent = m.text;
    node.classList.remove("kw-pending", "kw-streaming");
    var old = node.querySelector(".kw-src");
    if (old) { old.remove(); }
    if (m.sources && m.sources.length) {
      var src = document.createElement("div");
      src.className = "kw-src";
      src.setAttribute("dir", "auto");
      src.textContent = t("source", "Source: {titles}", { titles: m.sources.map(function (s) { return s.title; }).join(", ") });
      node.appendChild(src);
    }
  }

  /** Show a stored message once (by seq); a pending or streaming bubble becomes the message. */
  function show(m, pendingNode) {
    if (!m || typeof m.seq !== "number") { return; }
    state.lastSeq = Math.max(state.lastSeq, m.seq);
    var node = state.nodes[m.seq] || pendingNode;
    if (!node) {
      node = bubble(m.author, m.author_id);
      els.log.appendChild(node);
    }
    state.nodes[m.seq] = node;
    state.seen[m.seq] = true;
    fill(node, m);
    if (m.author === "ai" && m.language) { setLanguage(m.language); }  // the widget follows the reply's language
    if (m.author === "human" && state.mode !== "human") { setMode("human"); }
    scrollDown();
  }

  function streamDelta(seq, text) {
    if (state.seen[seq]) { return; }
    var node = state.nodes[seq];
    if (!node) {
      node = bubble("ai");
      node.classList.add("kw-streaming");
      node.setAttribute("data-seq", String(seq));
      state.nodes[seq] = node;
      els.log.appendChild(node);
    }
    var t = node.querySelector(".kw-text");
    t.textContent = t.textContent ? t.textContent + " " + text : text;
    scrollDown();
  }

  function setMode(mode) {
    state.mode = mode;
    if (mode === "human") {
      els.person.textContent = t("with_person", "With a person");
      els.person.disabled = true;
      els.sub.textContent = t("subtitle_human", "A person from the Lumo team is helping you");
    } else {
      els.person.textContent = t("talk_to_person", "Talk to a person");
      els.person.disabled = false;
      els.sub.textContent = t("subtitle_ai", "AI assistant · a person is one message away");
    }
  }

  function setWho() {
    els.who.textContent = state.name ? t("signed_in", "Signed in: {name}", { name: state.name }) : t("guest", "Guest");
    els.signinToggle.textContent = state.token ? t("sign_out", "Sign out") : t("sign_in", "Sign in");
  }

  function setBusy(busy) {
    state.busy = busy;
    els.send.disabled = busy;
  }

  // --- the API -------------------------------------------------------------------------------
  function errorText(body, fallback) {
    return (body && body.error && body.error.message) || fallback;
  }

  function api(method, path, body, headers) {
    var h = { "Accept": "application/json" };
    if (body !== undefined) { h["Content-Type"] = "application/json"; }
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(path, { method: method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          if (!res.ok) { var err = new Error(errorText(data, "Something went wrong.")); err.status = res.status; err.code = data && data.error && data.error.code; throw err; }
          return data;
        });
      });
  }

  function start() {
    var headers = state.token ? { "Authorization": "Bearer " + state.token } : {};
    var lang = i18n.lang || baseLanguage(navigator.language);
    return api("POST", "/api/conversations", { language: lang }, headers).then(function (conv) {
      begin(conv.id);
      return conv.id;
    });
  }

  function begin(id) {
    state.id = id;
    state.status = "open";
    state.rated = false;
    save("conversation", id);
    els.root.classList.remove("kw-ended");
    listen();
  }

  function ensureConversation() { return state.id ? Promise.resolve(state.id) : start(); }

  // Live events: a person's replies, the handover being taken, hand back, the chat closed.
  function listen() {
    if (state.events) { state.events.close(); }
    var id = state.id;
    var es = new EventSource("/api/conversations/" + encodeURIComponent(id) + "/events");
    state.events = es;
    es.addEventListener("open", function () { catchUp(id); });
    es.addEventListener("message", function (e) {
      var data = parse(e.data);
      if (!data || !data.message || id !== state.id) { return; }
      if (state.busy) { state.buffer.push(data.message); } else { show(data.message); }
    });
    es.addEventListener("handoff", function () { if (id === state.id) { setMode("human"); } });
    es.addEventListener("taken", function () {
      if (id === state.id) { setMode("human"); note(t("joined", "A person from the Lumo team has joined the chat.")); }
    });
    es.addEventListener("handed_back", function () {
      if (id === state.id) { setMode("ai"); note(t("handed_back", "You're chatting with the AI assistant again.")); }
    });
    es.addEventListener("closed", function (e) {
      var data = parse(e.data) || {};
      if (id === state.id && state.status !== "closed") {
        ended(data.by === "customer" ? t("you_ended", "You ended the chat.") : t("team_closed", "The Lumo team closed the chat."));
      }
    });
  }

  function catchUp(id) {
    api("GET", "/api/conversations/" + encodeURIComponent(id) + "/messages?after=" + state.lastSeq)
      .then(function (messages) {
        if (id !== state.id || state.busy) { return; }
        (messages || []).forEach(function (m) { if (!state.seen[m.seq]) { show(m); } });
      })
      .catch(function () { /* the next event will tell */ });
  }

  function parse(raw) { try { return JSON.parse(raw); } catch (e) { return null; } }

  // POST the message and read the reply as it streams (server-sent events over fetch). A message
  // written while a reply is still streaming is shown at once and sent when that reply is done:
  // nothing the customer typed is dropped.
  var outbox = Promise.resolve();
  function send(text) {
    text = (text || "").trim();
    if (!text) { return Promise.resolve(); }
    if (state.status === "closed" && !state.busy) { reset(); }
    var pending = bubble("customer");
    pending.classList.add("kw-pending");
    pending.querySelector(".kw-text").textContent = text;
    pending.setAttribute("dir", "auto");
    els.log.appendChild(pending);
    scrollDown();
    outbox = outbox.then(function () { return deliver(text, pending); });
    return outbox;
  }

  function deliver(text, pending) {
    setBusy(true);
    if (pending.parentNode === els.log) { els.log.appendChild(pending); scrollDown(); }  // after the reply it waited for
    return ensureConversation()
      .then(function (id) { return stream(id, text, pending); })
      .catch(function (err) {
        if (pending.classList.contains("kw-pending")) {
          pending.remove();
          if (!els.input.value) { els.input.value = text; }  // give the words back to be sent again
        }
        note(err && err.message ? err.message : t("send_failed", "The message could not be sent. Please try again."), "error");
        if (err && err.code === "closed") { ended(""); }
        if (err && err.status === 404) { state.id = null; save("conversation", null); }
      })
      .then(function () {
        setBusy(false);
        state.buffer.splice(0).forEach(function (m) { show(m); });
      });
  }

  function stream(id, text, pending) {
    return fetch("/api/conversations/" + encodeURIComponent(id) + "/messages?stream=true", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ text: text })
    }).then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (body) {
          var err = new Error(errorText(body, t("send_failed", "The message could not be sent. Please try again.")));
          err.status = res.status; err.code = body && body.error && body.error.code;
          throw err;
        });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var customerShown = false;
      function handle(block) {
        var event = "message";
        var data = [];
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
          else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
        });
        if (!data.length) { return; }
        var payload = parse(data.join("\n"));
        if (!payload) { return; }
        if (event === "message") {
          if (!customerShown && payload.author === "customer") { customerShown = true; show(payload, pending); }
          else { show(payload); }
          if (payload.handoff) { setMode("human"); }
        } else if (event === "delta") {
          streamDelta(payload.seq, payload.text);
        } else if (event === "done") {
          if (payload.mode) { setMode(payload.mode); }
          if (payload.demo_code) { note(t("demo_code", "Demo: your one-time code is {code}", { code: payload.demo_code })); }
        } else if (event === "error") {
          var err = new Error(payload.message || "Something went wrong.");
          err.code = payload.code;
          throw err;
        }
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { if (buffer.trim()) { handle(buffer.replace(/\r\n?/g, "\n")); } return; }
          buffer += decoder.decode(chunk.value, { stream: true });
          var carry = buffer.slice(-1) === "\r" ? "\r" : "";
          if (carry) { buffer = buffer.slice(0, -1); }
          buffer = buffer.replace(/\r\n?/g, "\n");
          var cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            var block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            handle(block);
          }
          buffer += carry;
          return pump();
        });
      }
      return pump();
    });
  }

  // --- the end of a chat and the survey ----------------------------------------------------
  function ended(text) {
    state.status = "closed";
    els.root.classList.add("kw-ended");
    if (text) { note(text); }
    if (state.events) { state.events.close(); state.events = null; }
    if (!state.rated) {
      els.survey.hidden = false;
      els.thanks.hidden = true;
      els.fresh.hidden = true;
      els.rate.hidden = false;
      els.skip.hidden = false;
    }
  }

  function endChat() {
    if (!state.id || state.status === "closed") { return; }
    api("POST", "/api/conversations/" + encodeURIComponent(state.id) + "/end", {})
      .then(function () { ended(t("you_ended", "You ended the chat.")); })
      .catch(function (err) { note(err.message, "error"); });
  }

  function pick(score) {
    state.score = score;
    Array.prototype.forEach.call(els.survey.querySelectorAll(".kw-score"), function (b) {
      b.setAttribute("aria-checked", String(Number(b.getAttribute("data-score")) === score));
    });
    els.rate.disabled = false;
  }

  function rate() {
    if (!state.score || !state.id) { return; }
    var body = { score: state.score };
    var comment = els.comment.value.trim();
    if (comment) { body.comment = comment; }
    els.rate.disabled = true;
    api("POST", "/api/conversations/" + encodeURIComponent(state.id) + "/csat", body)
      .then(function () { thanked(); })
      .catch(function (err) { els.rate.disabled = false; note(err.message, "error"); });
  }

  function thanked() {
    state.rated = true;
    els.thanks.hidden = false;
    els.rate.hidden = true;
    els.skip.hidden = true;
    els.fresh.hidden = false;
  }

  function reset() {
    if (state.events) { state.events.close(); state.events = null; }
    state.id = null; state.status = "open"; state.seen = {}; state.nodes = {}; state.lastSeq = 0;
    state.score = null; state.rated = false;
    save("conversation", null);
    els.survey.hidden = true;
    els.comment.value = "";
    pick(null);
    els.rate.disabled = true;
    els.root.classList.remove("kw-ended");
    Array.prototype.slice.call(els.log.children).forEach(function (c) {
      if (!c.classList.contains("kw-intro")) { c.remove(); }
    });
    setMode("ai");
  }

  // --- demo sign-in (signed-in mode) --------------------------------------------------------
  function signIn(email) {
    return api("POST", "/api/demo/sessions", { email: email }).then(function (s) {
      state.token = s.token; state.name = s.name;
      save("token", s.token); save("name", s.name);
      setWho();
      reset();
      els.signin.hidden = true;
      note(t("signed_in_note", "Signed in as {name}. Your account is available in this chat.", { name: s.name }));
    }).catch(function (err) { note(err.message, "error"); });
  }

  function signOut() {
    state.token = null; state.name = null;
    save("token", null); save("name", null);
    setWho();
    reset();
  }

  // --- wiring --------------------------------------------------------------------------------
  els.form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = els.input.value;
    if (!text.trim()) { return; }
    els.input.value = "";
    send(text);
  });
  els.input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); els.form.requestSubmit(); }
  });
  els.person.addEventListener("click", function () { send(t("person_request", "I'd like to talk to a person, please.")); });
  els.end.addEventListener("click", endChat);
  els.signinToggle.addEventListener("click", function () {
    if (state.token) { signOut(); return; }
    els.signin.hidden = !els.signin.hidden;
    if (!els.signin.hidden) { els.email.focus(); }
  });
  els.signin.addEventListener("submit", function (e) { e.preventDefault(); signIn(els.email.value.trim()); });
  Array.prototype.forEach.call(els.survey.querySelectorAll(".kw-score"), function (b) {
    b.addEventListener("click", function () { pick(Number(b.getAttribute("data-score"))); });
  });
  els.rate.addEventListener("click", rate);
  els.skip.addEventListener("click", function () { thanked(); els.thanks.hidden = true; });
  els.fresh.addEventListener("click", function () { reset(); els.input.focus(); });
  els.close.addEventListener("click", function () {
    if (window.parent !== window) { window.parent.postMessage({ type: "klarsvar:close" }, "*"); }
  });
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || typeof event.data.type !== "string") { return; }
    if (event.data.type === "klarsvar:signin" && event.data.email) { signIn(String(event.data.email)); }
    else if (event.data.type === "klarsvar:signout") { signOut(); }
    else if (event.data.type === "klarsvar:focus") { els.input.focus(); }
  });
  if (window.parent === window) { els.close.hidden = true; }

  // Speak the visitor's language from the start; the conversation's language takes over with its replies.
  setLanguage(navigator.language);

  // Pick up where this tab left off.
  state.token = load("token");
  state.name = load("name");
  setWho();
  var previous = load("conversation");
  if (previous) {
    api("GET", "/api/conversations/" + encodeURIComponent(previous)).then(function (conv) {
      if (conv.status === "closed") { save("conversation", null); return; }
      state.id = conv.id;
      if (conv.language) { setLanguage(conv.language); }
      setMode(conv.mode);
      return api("GET", "/api/conversations/" + encodeURIComponent(conv.id) + "/messages").then(function (ms) {
        (ms || []).forEach(function (m) { show(m); });
        begin(conv.id);
      });
    }).catch(function () { save("conversation", null); });
  }
  window.klarsvarWidget = { send: send, signIn: signIn, signOut: signOut, endChat: endChat, state: state,
                           setLanguage: setLanguage, i18n: i18n };
})();
