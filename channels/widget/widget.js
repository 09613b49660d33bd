/* Influencer OS chat widget: <script src="https://HOST/widget.js" data-influencer="HANDLE" defer></script>
 * Plain JavaScript, no build step. Everything lives in a shadow DOM, so the host page's CSS never
 * touches it. Replies stream over Server-Sent Events (fetch + a small parser, so it can POST);
 * every message carries a client_message_id, so a retry after a dropped connection gets the same
 * reply back and nothing is stored or shown twice. */
(function () {
  "use strict";

  var script = document.currentScript || document.querySelector('script[src*="widget.js"][data-influencer]');
  if (!script) return;
  var HANDLE = (script.getAttribute("data-influencer") || "").replace(/^@/, "").trim();
  if (!HANDLE) { console.warn("[influencer-os] widget.js needs data-influencer=\"HANDLE\""); return; }
  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var KEY = "influencer-os:" + HANDLE;
  if (window.__influencerOsWidgets && window.__influencerOsWidgets[HANDLE]) return;
  (window.__influencerOsWidgets = window.__influencerOsWidgets || {})[HANDLE] = true;

  var TEXT = {
    he: {
      open: "צ'אט עם ", close: "סגירת הצ'אט", send: "שליחה", input: "ההודעה שלך", typing: " מקלידה…",
      placeholder: "כתבו הודעה…", copy: "העתקה", copied: "הועתק ✓", shop: "לאתר", suggestions: "הצעות",
      reconnecting: "החיבור נותק, מנסה שוב…", failed: "ההודעה לא נשלחה. נסו שוב.", conversation: "השיחה",
      expires: "בתוקף עד ", free_shipping: "משלוח חינם", greeting: "היי! 👋 אפשר לשאול אותי על קודי הנחה, מוצרים ושיתופי פעולה.",
      chips: [["קודים", "יש קודי הנחה?"], ["במה אני משתמשת", "במה את משתמשת?"], ["לדבר איתי", "אפשר לדבר איתך?"]]
    },
    en: {
      open: "Chat with ", close: "Close chat", send: "Send", input: "Your message", typing: " is typing…",
      placeholder: "Write a message…", copy: "Copy", copied: "Copied ✓", shop: "Shop", suggestions: "Suggestions",
      reconnecting: "Connection lost, retrying…", failed: "The message was not sent. Try again.",
      conversation: "Conversation", expires: "Valid until ", free_shipping: "Free shipping",
      greeting: "Hi! 👋 Ask me about discount codes, products and collaborations.",
      chips: [["codes", "Do you have discount codes?"], ["what I use", "What products do you use?"],
              ["talk to me", "I want to talk to a real person, please"]]
    }
  };
  var HEBREW = /[\u0590-\u05ff]/;
  var STRONG = /[A-Za-z\u00c0-\u024f\u0590-\u05ff\u0600-\u06ff]/;

  // ---- state kept across reloads ------------------------------------------------------------
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; } }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ } }
  var state = load();
  state.pending = state.pending || [];
  var config = { display_name: HANDLE, language: "he", dir: "rtl" };
  var lang = function () { return TEXT[config.language] ? config.language : "en"; };
  var t = function (k) { return TEXT[lang()][k]; };

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function dirOf(text) {
    for (var i = 0; i < (text || "").length; i++) {
      var ch = text[i];
      if (STRONG.test(ch)) return HEBREW.test(ch) ? "rtl" : "ltr";
    }
    return config.dir || "ltr";
  }
  function shortName() { return (config.display_name || HANDLE).split("|")[0].trim(); }

  // ---- DOM --------------------------------------------------------------------------------------
  var host = document.createElement("div");
  host.setAttribute("data-influencer-os", HANDLE);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML = [
    "<style>", CSS(), "</style>",
    '<button class="launcher" part="launcher" aria-expanded="false" aria-controls="ios-panel">',
    '<svg viewBox="0 0 24 24" aria-hidden="true" width="28" height="28"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button>',
    '<section class="panel" id="ios-panel" role="dialog" aria-modal="false" aria-labelledby="ios-title" hidden>',
    '<header><h2 id="ios-title"></h2><button class="close" type="button">×</button></header>',
    '<div class="log" role="log" aria-live="off"></div>',
    '<div class="chips" role="group"></div>',
    '<form class="composer" novalidate><label class="sr" for="ios-input"></label>',
    '<textarea id="ios-input" rows="1" maxlength="2000" autocomplete="off"></textarea>',
    '<button class="send" type="submit"><svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20"><path fill="currentColor" d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg></button></form>',
    '<div class="sr announcer" role="status" aria-live="polite"></div>',
    "</section>"
  ].join("");
  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $(".launcher"), panel = $(".panel"), log = $(".log"), chips = $(".chips");
  var form = $(".composer"), input = $("#ios-input"), announcer = $(".announcer");

  function applyConfig() {
    panel.setAttribute("dir", config.dir);
    panel.setAttribute("lang", config.language);
    $("#ios-title").textContent = config.display_name || HANDLE;
    launcher.setAttribute("aria-label", t("open") + shortName());
    $(".close").setAttribute("aria-label", t("close"));
    $(".send").setAttribute("aria-label", t("send"));
    $("label[for=ios-input]").textContent = t("input");
    input.setAttribute("placeholder", t("placeholder"));
    log.setAttribute("aria-label", t("conversation"));
    chips.setAttribute("aria-label", t("suggestions"));
    chips.textContent = "";
    t("chips").forEach(function (c) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "chip"; b.textContent = c[0]; b.setAttribute("dir", dirOf(c[0]));
      b.addEventListener("click", function () { send(c[1]); });
      chips.appendChild(b);
    });
  }

  function announce(text) { announcer.textContent = ""; setTimeout(function () { announcer.textContent = text; }, 30); }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function linkify(el, text) {
    el.textContent = "";
    var re = /(https?:\/\/[^\s<>"']+)/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement("a");
      a.href = m[1]; a.textContent = m[1]; a.target = "_blank"; a.rel = "noopener noreferrer";
      a.addEventListener("click", linkClicked(null, m[1]));
      el.appendChild(a);
      last = m.index + m[1].length;
    }
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(role, text, opts) {
    opts = opts || {};
    var row = document.createElement("div");
    row.className = "msg " + role;
    if (opts.cmid) row.setAttribute("data-cmid", opts.cmid);
    var b = document.createElement("div");
    b.className = "bubble";
    b.setAttribute("dir", opts.dir || (text ? dirOf(text) : "auto"));
    b.setAttribute("aria-busy", "false");
    linkify(b, text || "");
    row.appendChild(b);
    log.appendChild(row);
    scrollDown();
    return row;
  }

  function card(row, c) {
    if (!c || !c.code) return;
    var el = document.createElement("div");
    el.className = "card";
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", (c.brand ? c.brand + " " : "") + c.code);
    var brand = document.createElement("div"); brand.className = "brand"; brand.textContent = c.brand || "";
    brand.setAttribute("dir", dirOf(c.brand || ""));
    var code = document.createElement("div"); code.className = "code"; code.setAttribute("dir", "ltr");
    code.textContent = c.code;
    el.appendChild(brand); el.appendChild(code);
    var about = [discountText(c), c.terms || ""].filter(Boolean).join(" · ");
    if (about) { var d = document.createElement("div"); d.className = "terms"; d.textContent = about; d.setAttribute("dir", "auto"); el.appendChild(d); }
    if (c.expires) { var x = document.createElement("div"); x.className = "terms"; x.textContent = t("expires") + c.expires; el.appendChild(x); }
    var actions = document.createElement("div"); actions.className = "actions";
    var copy = document.createElement("button");
    copy.type = "button"; copy.className = "copy"; copy.textContent = t("copy");
    copy.setAttribute("aria-label", t("copy") + " " + c.code);
    copy.addEventListener("click", function () { copyCode(c.code, copy); });
    actions.appendChild(copy);
    if (c.url) {
      var a = document.createElement("a");
      a.className = "shop"; a.href = c.url; a.target = "_blank"; a.rel = "noopener noreferrer"; a.textContent = t("shop");
      a.addEventListener("click", linkClicked(c.code, c.url));
      actions.appendChild(a);
    }
    el.appendChild(actions);
    row.appendChild(el);
    scrollDown();
  }

  function discountText(c) {
    if (c.description) return c.description;
    var v = c.value != null ? String(c.value).replace(/\.0+$/, "") : "";
    if (c.discount_type === "percentage" && v) return v + "%";
    if (c.discount_type === "fixed" && v) return (c.currency === "ILS" || !c.currency ? "₪" : c.currency + " ") + v;
    if (c.discount_type === "free_shipping") return t("free_shipping");
    return c.discount_text || "";
  }

  function typing(on) {
    var el = log.querySelector(".typing");
    if (on && !el) {
      el = document.createElement("div");
      el.className = "msg bot typing";
      el.setAttribute("role", "status");
      el.setAttribute("aria-label", shortName() + t("typing"));
      el.innerHTML = '<div class="bubble"><span></span><span></span><span></span></div>';
      log.appendChild(el);
      scrollDown();
    } else if (!on && el) { el.remove(); }
  }

  // ---- clipboard and client events ---------------------------------------------------------------
  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
    root.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    ta.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  function copyCode(code, button) {
    copyText(code).then(function () {
      button.textContent = t("copied");
      button.classList.add("done");
      announce(t("copied") + " " + code);
      setTimeout(function () { button.textContent = t("copy"); button.classList.remove("done"); }, 2500);
      clientEvent({ type: "coupon_copied", code: code });
    }).catch(function () { announce(code); });
  }
  function linkClicked(code, url) {
    return function () { clientEvent({ type: "link_clicked", code: code || undefined, url: url }); };
  }
  function clientEvent(body) {
    if (!state.conversation_id) return;
    body.conversation_id = state.conversation_id;
    api("/api/events", { method: "POST", body: body, keepalive: true }).catch(function () { /* best effort */ });
  }

  // ---- HTTP ------------------------------------------------------------------------------------
  function url(path) { return API + path + (path.indexOf("?") < 0 ? "?" : "&") + "influencer=" + encodeURIComponent(HANDLE); }
  function api(path, opts) {
    opts = opts || {};
    return fetch(url(path), {
      method: opts.method || "GET",
      headers: opts.body ? { "Content-Type": "application/json" } : {},
      body: opts.body ? JSON.stringify(opts.body) : undefined,
      keepalive: !!opts.keepalive,
      credentials: "omit"
    }).then(function (res) {
      return res.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        if (!res.ok) { var err = new Error((data && data.title) || res.statusText); err.status = res.status; err.problem = data; throw err; }
        return data;
      });
    });
  }

  function ensureConversation(fresh) {
    if (state.conversation_id && !fresh) return Promise.resolve(state.conversation_id);
    return api("/api/conversations", { method: "POST", body: { influencer: HANDLE, visitor_id: state.visitor_id } })
      .then(function (d) {
        state.conversation_id = d.conversation_id; state.visitor_id = d.visitor_id; save();
        listen();
        return d.conversation_id;
      });
  }

  // ---- what the influencer writes while they hold the conversation arrives live (SSE) -------------
  var lastId = 0, shown = {}, listener = null, listening = null;
  function mark(id) { if (id) { shown[id] = true; if (id > lastId) lastId = id; } }
  function byPerson(row, m) {
    if (m.by !== "person") return;
    row.classList.add("person"); row.setAttribute("data-by", "person");
    var who = document.createElement("div");
    who.className = "who"; who.textContent = shortName();
    row.insertBefore(who, row.firstChild);
  }
  function personBubble(m) {
    if (shown[m.id]) return;
    mark(m.id);
    byPerson(bubble("bot", m.text, { dir: m.dir }), m);
    announce(shortName() + ": " + m.text);
  }
  function listen() {
    if (!window.EventSource || !state.conversation_id) return;
    if (listener && listening === state.conversation_id) return;
    if (listener) listener.close();
    listening = state.conversation_id;
    listener = new EventSource(url("/api/conversations/" + state.conversation_id + "/updates") + "&after=" + lastId);
    listener.addEventListener("message", function (e) {
      var m; try { m = JSON.parse(e.data); } catch (err) { return; }
      personBubble(m);
    });
    listener.addEventListener("error", function () {
      // closed for good (the conversation is gone): stop; otherwise the browser reconnects by itself
      if (listener && listener.readyState === 2) { listener = null; listening = null; }
    });
  }

  // One SSE response, parsed by hand (EventSource cannot POST). Resolves with the `done` payload.
  function stream(item, view) {
    return fetch(url("/api/conversations/" + state.conversation_id + "/messages/stream"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ text: item.text, client_message_id: item.cmid }),
      credentials: "omit"
    }).then(function (res) {
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (p) {
          var err = new Error((p && p.title) || res.statusText); err.status = res.status; err.problem = p; throw err;
        });
      }
      var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "", done = null;
      function handle(block) {
        var event = "message", data = [];
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (!data.length) return;
        var payload; try { payload = JSON.parse(data.join("\n")); } catch (e) { return; }
        view.on(event, payload);
        if (event === "done") { done = payload; mark(payload.reply_id); mark(payload.message_id); }
        if (event === "error") { var err = new Error(payload.title || "error"); err.status = payload.status; err.retry = !!payload.retry; err.problem = payload; throw err; }
      }
      function pump() {
        return reader.read().then(function (r) {
          if (r.value) buffer += decoder.decode(r.value, { stream: true });
          var keepCR = !r.done && buffer.slice(-1) === "\r";  // a CRLF split across chunks
          var text = (keepCR ? buffer.slice(0, -1) : buffer).replace(/\r\n?/g, "\n");
          var blocks = text.split("\n\n");
          buffer = blocks.pop() + (keepCR ? "\r" : "");
          blocks.forEach(handle);
          if (done) { reader.cancel().catch(function () {}); return done; }
          if (r.done) { var e = new Error("stream ended early"); e.retry = true; throw e; }
          return pump();
        });
      }
      return pump();
    });
  }

  // A bot bubble for one user message; it is reset when a retry streams the reply again.
  function replyView(cmid) {
    var row = null, text = "", cards = 0;
    function ensure() {
      typing(false);
      if (!row) { row = bubble("bot", "", { cmid: cmid }); row.querySelector(".bubble").setAttribute("aria-busy", "true"); }
      return row;
    }
    return {
      on: function (event, p) {
        if (event === "typing") typing(true);
        else if (event === "token") { text += p.text; ensure().querySelector(".bubble").textContent = text; ensure().querySelector(".bubble").setAttribute("dir", dirOf(text)); scrollDown(); }
        else if (event === "reset") { text = ""; if (row) row.querySelector(".bubble").textContent = ""; }
        else if (event === "card") { card(ensure(), p.card); cards++; }
        else if (event === "done") {
          var r = p.reply || {};
          if (!r.text && !(r.cards || []).length) { typing(false); if (row) row.remove(); row = null; return; }
          var b = ensure().querySelector(".bubble");
          linkify(b, r.text || text);
          b.setAttribute("dir", r.dir || dirOf(r.text || text));
          b.setAttribute("aria-busy", "false");
          if (r.language) b.setAttribute("lang", r.language);
          if (!cards) (r.cards || []).forEach(function (c) { card(row, c); });
          announce(shortName() + ": " + (r.text || text));
        }
      },
      discard: function () { typing(false); if (row) row.remove(); row = null; text = ""; cards = 0; }
    };
  }

  // ---- sending: one message at a time, in order; retried with the same id until answered -------
  var busy = false;
  function send(text) {
    text = (text || "").trim();
    if (!text) return;
    if (text.length > 2000) text = text.slice(0, 2000);
    var item = { cmid: uid(), text: text };
    bubble("user", text, { cmid: item.cmid });
    state.pending.push(item); save();
    drain();
  }
  function drain() {
    if (busy || !state.pending.length) return;
    busy = true;
    var item = state.pending[0];
    deliver(item, 0).then(function () {
      state.pending.shift(); save();
    }).catch(function (err) {
      state.pending.shift(); save();
      var row = bubble("bot", t("failed") + (err && err.problem && err.problem.title ? " (" + err.problem.title + ")" : ""));
      row.classList.add("error");
      announce(t("failed"));
    }).then(function () { busy = false; drain(); });
  }
  function deliver(item, attempt) {
    var view = replyView(item.cmid);
    return ensureConversation(false).then(function () { return stream(item, view); }).catch(function (err) {
      view.discard();
      if (err && err.status === 404 && err.problem && err.problem.errors && err.problem.errors[0].field === "conversation_id" && attempt < 1) {
        state.conversation_id = null; save();
        return deliver(item, attempt + 1);
      }
      var retryable = !err || !err.status || err.status >= 500 || err.status === 429 || err.retry;
      if (!retryable || attempt >= 7) throw err;
      announce(t("reconnecting"));
      var wait = Math.min(8000, 400 * Math.pow(2, attempt)) + Math.random() * 200;
      return new Promise(function (r) { setTimeout(r, wait); }).then(function () { return deliver(item, attempt + 1); });
    });
  }

  // ---- history after a reload -------------------------------------------------------------------
  function restore() {
    if (!state.conversation_id) { bubble("bot", t("greeting"), { dir: config.dir }).classList.add("intro"); return Promise.resolve(); }
    return api("/api/conversations/" + state.conversation_id + "/messages?limit=100").then(function (d) {
      log.textContent = "";
      var seen = {}, answered = {};
      var rows = {};
      d.messages.forEach(function (m) {
        mark(m.id);
        if (m.role === "user") { seen[m.client_message_id] = m.id; rows[m.id] = bubble("user", m.text, { dir: m.dir, cmid: m.client_message_id }); }
        else {
          answered[m.reply_to] = true; var row = bubble("bot", m.text, { dir: m.dir });
          byPerson(row, m);
          (m.cards || []).forEach(function (c) { card(row, c); });
        }
      });
      listen();
      if (!d.messages.length) bubble("bot", t("greeting"), { dir: config.dir }).classList.add("intro");
      // Messages sent just before the reload: done ones are dropped, the rest are sent again (same id).
      state.pending = state.pending.filter(function (p) { return !(seen[p.cmid] && answered[seen[p.cmid]]); });
      state.pending.forEach(function (p) { if (!seen[p.cmid]) bubble("user", p.text, { cmid: p.cmid }); });
      save();
    }).catch(function (err) {
      if (err && err.status === 404) { state.conversation_id = null; save(); return restore(); }
    });
  }

  // ---- open / close, keyboard -------------------------------------------------------------------
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.classList.toggle("hidden-on-phone", open);
    state.open = open; save();
    if (open && focus !== false) { setTimeout(function () { input.focus(); }, 0); scrollDown(); }
    if (!open && focus !== false) launcher.focus();
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  $(".close").addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); setOpen(false); } });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : submit(e); }
  });
  input.addEventListener("input", function () {
    input.setAttribute("dir", dirOf(input.value) || "auto");
    input.style.height = "auto"; input.style.height = Math.min(120, input.scrollHeight) + "px";
  });
  function submit(e) { if (e) e.preventDefault(); var v = input.value; input.value = ""; input.style.height = ""; send(v); input.focus(); }
  form.addEventListener("submit", submit);

  function start() {
    document.body.appendChild(host);
    applyConfig();
    api("/api/widget/config").then(function (c) { config = c; applyConfig(); }).catch(function () {})
      .then(restore)
      .then(function () { if (state.open) setOpen(true, false); drain(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();

  function CSS() {
    return [
      ":host{all:initial}",
      "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,'Noto Sans Hebrew',sans-serif}",
      ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
      ".launcher{position:fixed;bottom:20px;inset-inline-end:20px;width:60px;height:60px;border-radius:50%;border:0;",
      "background:#c2185b;color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000;display:grid;place-items:center}",
      ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #ffb300;outline-offset:2px}",
      ".panel{position:fixed;bottom:92px;inset-inline-end:20px;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 112px));",
      "display:flex;flex-direction:column;background:#fff;color:#1d1d1f;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.25);overflow:hidden;z-index:2147483001}",
      ".panel[hidden]{display:none}",
      "header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 16px;background:#c2185b;color:#fff}",
      "h2{margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
      ".close{background:transparent;border:0;color:#fff;font-size:26px;line-height:1;cursor:pointer;min-width:44px;min-height:44px}",
      ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#fafafa}",
      ".msg{display:flex;flex-direction:column;max-width:85%}",
      ".msg.user{align-self:flex-end;align-items:flex-end}",
      ".msg.bot{align-self:flex-start;align-items:flex-start}",
      ".msg.person .bubble{box-shadow:inset 0 0 0 2px #7c3aed}",
      ".msg .who{font-size:12px;color:#555;margin:0 4px 2px}",
      ".bubble{padding:9px 12px;border-radius:14px;line-height:1.45;font-size:15px;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}",
      ".user .bubble{background:#c2185b;color:#fff}",
      ".bot .bubble{background:#fff;border:1px solid #e4e4e7}",
      ".bot.error .bubble{border-color:#d32f2f;color:#b71c1c}",
      ".bubble a{color:inherit}",
      ".typing .bubble span{display:inline-block;width:7px;height:7px;margin:0 2px;border-radius:50%;background:#999;animation:b 1.2s infinite}",
      ".typing .bubble span:nth-child(2){animation-delay:.2s}.typing .bubble span:nth-child(3){animation-delay:.4s}",
      "@keyframes b{0%,80%,100%{opacity:.3}40%{opacity:1}}",
      "@media (prefers-reduced-motion:reduce){.typing .bubble span{animation:none}}",
      ".card{margin-top:6px;padding:10px 12px;border:1px dashed #c2185b;border-radius:12px;background:#fff0f6;min-width:200px}",
      ".card .brand{font-size:13px;color:#6b6b6b}",
      ".card .code{font-size:20px;font-weight:700;letter-spacing:1px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:2px 0}",
      ".card .terms{font-size:12px;color:#555;margin-top:2px}",
      ".card .actions{display:flex;gap:8px;margin-top:8px;align-items:center}",
      ".copy{background:#c2185b;color:#fff;border:0;border-radius:8px;padding:8px 14px;min-height:40px;font-size:14px;cursor:pointer}",
      ".copy.done{background:#2e7d32}",
      ".shop{color:#c2185b;font-size:14px;padding:8px 4px}",
      ".chips{display:flex;gap:6px;padding:8px 12px 0;overflow-x:auto;background:#fff;border-top:1px solid #eee}",
      ".chip{flex:none;border:1px solid #c2185b;color:#c2185b;background:#fff;border-radius:999px;padding:6px 12px;min-height:36px;font-size:14px;cursor:pointer}",
      ".composer{display:flex;gap:8px;padding:10px 12px;background:#fff}",
      "textarea{flex:1;resize:none;border:1px solid #d4d4d8;border-radius:12px;padding:9px 12px;font-size:16px;line-height:1.35;max-height:120px;color:#1d1d1f;background:#fff}",
      ".send{border:0;border-radius:12px;background:#c2185b;color:#fff;min-width:44px;min-height:44px;cursor:pointer;display:grid;place-items:center}",
      "[dir=rtl] .send svg{transform:scaleX(-1)}",
      "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}.launcher.hidden-on-phone{display:none}}"
    ].join("");
  }
})();
