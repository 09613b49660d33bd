// The owner console: plain JavaScript, no build step. Talks to /console/api with the session cookie;
// every change sends the session's CSRF token. Live: /console/api/events says when to reload.
(function () {
  "use strict";
  var TEXT = {
    en: {
      signin_title: "Sign in to the console", token_label: "Owner token", signin: "Sign in",
      token_hint: "influencer-os owners tokens create HANDLE, or a one-time link: influencer-os console link HANDLE",
      tab_waiting: "Waiting", tab_human: "With me", tab_bot: "With the bot", tab_closed: "Closed",
      tab_issues: "Issues", tab_issues_closed: "Closed issues", signout: "Sign out",
      empty: "Nothing here.", pick: "Pick a conversation.", send: "Send", reply_ph: "Write to the follower… (Ctrl+Enter sends)",
      hand_back: "Hand back to the bot", why: "Why did the bot say that?", hide_why: "Hide the bot's reasons",
      follower: "Follower", bot: "Bot", owner: "You", manager: "Team", system: "Notice",
      sent: "Sent.", stored: "Sent: it shows in the follower's chat window.", handed: "Handed back to the bot.",
      close_ph: "How was it resolved?", close: "Close issue", closed_ok: "Issue closed.",
      expired: "That sign-in link was used or is too old. Ask for a new one.", live: "Live", offline: "Reconnecting…",
      ago_m: "min ago", ago_h: "h ago", ago_d: "d ago", now: "now", conversation: "Conversation", issue: "Issue",
      state_waiting: "waiting", state_human: "with a person", state_bot: "with the bot", state_closed: "closed",
      understood: "understood as", policy: "policy", action: "action", tools: "tools",
      masked: "Personal details (phone, e-mail) show masked in the web chat.",
      tab_brands: "Brands", open_items: "Open with brands", log_title: "Log for a brand", log_ph: "What was said or agreed…",
      log: "Log", logged: "Logged.", close_item: "Close", item_closed: "Item closed.", kind_auto: "type: from the words",
      brief_title: "A brief or contract", brief_ph: "Paste the brief, or choose a file (PDF, Word, e-mail)…",
      read_brief: "Read it", create: "Create", created: "Created.", due: "due"
    },
    he: {
      signin_title: "כניסה לקונסולה", token_label: "טוקן בעלים", signin: "כניסה",
      token_hint: "influencer-os owners tokens create HANDLE, או קישור חד-פעמי: influencer-os console link HANDLE",
      tab_waiting: "ממתינים", tab_human: "אצלי", tab_bot: "עם הבוט", tab_closed: "סגורות",
      tab_issues: "פניות", tab_issues_closed: "פניות סגורות", signout: "יציאה",
      empty: "אין כאן כלום.", pick: "בחרי שיחה.", send: "שליחה", reply_ph: "כתבי לעוקב/ת… (Ctrl+Enter שולח)",
      hand_back: "החזרה לבוט", why: "למה הבוט ענה כך?", hide_why: "הסתרת הנימוקים",
      follower: "עוקב/ת", bot: "בוט", owner: "את", manager: "צוות", system: "הודעה",
      sent: "נשלח.", stored: "נשלח: מופיע בחלון הצ'אט של העוקב/ת.", handed: "הוחזר לבוט.",
      close_ph: "איך זה נפתר?", close: "סגירת פנייה", closed_ok: "הפנייה נסגרה.",
      expired: "קישור הכניסה כבר שומש או פג תוקפו. בקשי קישור חדש.", live: "מחובר", offline: "מתחבר מחדש…",
      ago_m: "דק׳", ago_h: "שע׳", ago_d: "ימים", now: "עכשיו", conversation: "שיחה", issue: "פנייה",
      state_waiting: "ממתינה", state_human: "אצלך", state_bot: "עם הבוט", state_closed: "סגורה",
      understood: "הובן כ", policy: "מדיניות", action: "פעולה", tools: "כלים",
      masked: "פרטים אישיים (טלפון, מייל) מוסתרים בצ'אט באתר.",
      tab_brands: "מותגים", open_items: "פתוח מול מותגים", log_title: "רישום מול מותג", log_ph: "מה נאמר או סוכם…",
      log: "רישום", logged: "נרשם.", close_item: "סגירה", item_closed: "הנושא נסגר.", kind_auto: "סוג: לפי המילים",
      brief_title: "בריף או חוזה", brief_ph: "הדביקי את הבריף, או בחרי קובץ (PDF, וורד, מייל)…",
      read_brief: "קריאה", create: "יצירה", created: "נוצר.", due: "עד",
      financial: "כספי", legal: "משפטי", issue: "בעיה", creative: "תוכן", other: "כללי"
    }
  };
  var me = null, tab = "waiting", current = null, showWhy = false, events = null;
  var $ = function (id) { return document.getElementById(id); };
  function lang() { return me && TEXT[me.language] ? me.language : (navigator.language || "en").slice(0, 2) === "he" ? "he" : "en"; }
  function t(k) { return TEXT[lang()][k] || TEXT.en[k] || k; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function translate() {
    document.documentElement.lang = lang();
    document.documentElement.dir = lang() === "he" ? "rtl" : "ltr";
    document.querySelectorAll("[data-t]").forEach(function (n) { n.textContent = t(n.getAttribute("data-t")); });
  }
  function status(text) { $("status").textContent = text || ""; }

  function api(path, opts) {
    opts = opts || {};
    var headers = { "Accept": "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.method && opts.method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf;
    return fetch("/console/api" + path, {
      method: opts.method || "GET", headers: headers, credentials: "same-origin",
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined
    }).then(function (res) {
      if (res.status === 204) return {};
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (body && body.now) skew = Date.parse(body.now) - Date.now();
        if (res.status === 401 && path !== "/session") { showSignIn(); }
        if (!res.ok) { var err = new Error(body.detail || body.title || res.statusText); err.status = res.status; err.field = body.field; throw err; }
        return body;
      });
    });
  }

  var skew = 0;  // the server's clock minus this browser's: "how long ago" is counted on the server's
  function ago(iso) {
    if (!iso) return "";
    var minutes = Math.max(0, Math.round((Date.now() + skew - Date.parse(iso)) / 60000));
    if (minutes < 1) return t("now");
    if (minutes < 60) return minutes + " " + t("ago_m");
    if (minutes < 60 * 48) return Math.round(minutes / 60) + " " + t("ago_h");
    return Math.round(minutes / 1440) + " " + t("ago_d");
  }

  // ---- signing in --------------------------------------------------------------------------------
  function showSignIn() {
    me = null; if (events) { events.close(); events = null; }
    translate();
    $("console").hidden = true; $("signin").hidden = false;
    if (location.hash === "#link-expired") $("signin-error").textContent = t("expired");
    $("token").focus();
  }
  function showConsole(who) {
    me = who; translate();
    $("signin").hidden = true; $("console").hidden = false;
    $("who").textContent = (who.display_name || who.influencer).split("|")[0].trim() + " · @" + who.influencer;
    if (location.hash) history.replaceState(null, "", location.pathname);
    select(tab);
    listen();
  }
  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    $("signin-error").textContent = "";
    api("/session", { method: "POST", body: { token: $("token").value } }).then(function (who) {
      $("token").value = ""; showConsole(who);
    }).catch(function (err) { $("signin-error").textContent = err.message; $("token").focus(); });
  });
  $("signout").addEventListener("click", function () {
    api("/session", { method: "DELETE" }).catch(function () {}).then(showSignIn);
  });

  // ---- tabs and the list -------------------------------------------------------------------------
  document.querySelectorAll("nav [data-tab]").forEach(function (b) {
    b.addEventListener("click", function () { select(b.getAttribute("data-tab")); });
    b.addEventListener("keydown", function (e) {
      var tabs = Array.prototype.slice.call(document.querySelectorAll("nav [data-tab]")), i = tabs.indexOf(b);
      var step = (e.key === "ArrowRight") === (document.documentElement.dir !== "rtl") ? 1 : -1;
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") { e.preventDefault(); var next = tabs[(i + step + tabs.length) % tabs.length]; next.focus(); select(next.getAttribute("data-tab")); }
    });
  });
  function select(name) {
    tab = name; current = null; showWhy = false;
    document.querySelectorAll("nav [data-tab]").forEach(function (b) {
      var on = b.getAttribute("data-tab") === name;
      b.setAttribute("aria-selected", on ? "true" : "false"); b.tabIndex = on ? 0 : -1;
    });
    $("view").textContent = ""; $("view").appendChild(el("p", "hint", t("pick")));
    loadList();
  }
  function item(li, open) {
    li.tabIndex = 0;
    li.addEventListener("click", open);
    li.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
  }
  function loadList() {
    if (tab === "brands") return loadBrands();
    var issues = tab.indexOf("issues") === 0;
    var path = issues ? "/issues?status=" + (tab === "issues" ? "open" : "closed") : "/conversations?state=" + tab;
    return api(path).then(function (d) {
      var list = $("list"); list.textContent = "";
      var rows = issues ? d.issues : d.conversations;
      if (!rows.length) list.appendChild(el("li", "empty", t("empty")));
      rows.forEach(function (r) { list.appendChild(issues ? issueItem(r) : conversationItem(r)); });
      if (current !== null && !issues) openConversation(current, true);
    }).catch(function (err) { if (err.status !== 401) status(err.message); });
  }
  function conversationItem(c) {
    var li = el("li"); li.setAttribute("data-number", c.number);
    if (current === c.number) li.setAttribute("aria-current", "true");
    var top = el("div", "top");
    top.appendChild(el("span", "num", "#" + c.number));
    top.appendChild(el("span", "", c.name || c.channel));
    top.appendChild(el("span", "badge " + c.state, t("state_" + c.state)));
    top.appendChild(el("span", "meta", ago(c.last_at)));
    li.appendChild(top);
    var last = el("div", "last", c.last_message || ""); last.dir = "auto"; li.appendChild(last);
    item(li, function () { openConversation(c.number); });
    return li;
  }
  function issueItem(i) {
    var li = el("li"); li.setAttribute("data-issue", i.number);
    var top = el("div", "top");
    top.appendChild(el("span", "num", t("issue") + " " + i.number));
    top.appendChild(el("span", "badge", i.kind));
    if (i.conversation) top.appendChild(el("span", "", "#" + i.conversation));
    top.appendChild(el("span", "meta", ago(i.closed_at || i.opened_at)));
    li.appendChild(top);
    var summary = el("div", "last", i.summary); summary.dir = "auto"; li.appendChild(summary);
    if (i.note) { var note = el("div", "last", "✓ " + i.note); note.dir = "auto"; li.appendChild(note); }
    if (i.status === "open") li.appendChild(closeForm(i.number));
    else item(li, function () { if (i.conversation) { tab = "all"; openConversation(i.conversation); } });
    return li;
  }
  function closeForm(number) {
    var form = el("form", "close"), input = el("input");
    input.placeholder = t("close_ph"); input.setAttribute("aria-label", t("close_ph")); input.maxLength = 500;
    var button = el("button", "primary", t("close")); button.type = "submit";
    form.appendChild(input); form.appendChild(button);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      api("/issues/" + number + "/close", { method: "POST", body: { note: input.value } })
        .then(function () { status(t("closed_ok")); loadList(); })
        .catch(function (err) { status(err.message); });
    });
    return form;
  }

  // ---- brands: open items, logging one, a brief or contract ----------------------------------------
  function loadBrands() {
    return api("/brand-notes?status=open").then(function (d) {
      var list = $("list"); list.textContent = "";
      if (!d.notes.length) list.appendChild(el("li", "empty", t("empty")));
      d.notes.forEach(function (n) {
        var li = el("li"); li.setAttribute("data-note", n.id);
        var top = el("div", "top");
        top.appendChild(el("span", "num", "#" + n.id));
        top.appendChild(el("span", "", n.brand));
        top.appendChild(el("span", "badge", t(n.kind)));
        if (n.due_date) top.appendChild(el("span", "meta", t("due") + " " + n.due_date));
        top.appendChild(el("span", "meta", ago(n.created_at)));
        li.appendChild(top);
        var text = el("div", "last", n.text); text.dir = "auto"; li.appendChild(text);
        var close = el("button", "", t("close_item")); close.type = "button";
        close.addEventListener("click", function () {
          api("/brand-notes/" + n.id + "/close", { method: "POST" })
            .then(function () { status(t("item_closed")); loadBrands(); }).catch(function (err) { status(err.message); });
        });
        li.appendChild(close);
        list.appendChild(li);
      });
      if (!$("brands-view")) brandsView();
    }).catch(function (err) { if (err.status !== 401) status(err.message); });
  }
  function brandsView() {
    var view = $("view"); view.textContent = "";
    var box = el("div"); box.id = "brands-view"; view.appendChild(box);
    box.appendChild(el("h2", "", t("log_title")));
    var form = el("form", "reply"), brand = el("select"), text = el("textarea"), kind = el("select");
    form.id = "log-form"; brand.id = "log-brand"; text.id = "log-text"; kind.id = "log-kind";
    brand.setAttribute("aria-label", t("tab_brands")); kind.setAttribute("aria-label", t("kind_auto"));
    text.placeholder = t("log_ph"); text.setAttribute("aria-label", t("log_ph")); text.dir = "auto"; text.maxLength = 2000;
    [["", t("kind_auto")], ["financial"], ["legal"], ["issue"], ["creative"], ["other"]].forEach(function (k) {
      var o = el("option", "", k[1] || t(k[0])); o.value = k[0]; kind.appendChild(o);
    });
    api("/partnerships").then(function (d) {
      (d.partnerships || []).forEach(function (p) { var o = el("option", "", p.brand); o.value = p.ref; brand.appendChild(o); });
    }).catch(function () {});
    var send = el("button", "primary", t("log")); send.type = "submit";
    [brand, kind, text, send].forEach(function (n) { form.appendChild(n); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = { partnership: brand.value, text: text.value.trim() };
      if (kind.value) body.kind = kind.value;
      api("/brand-notes", { method: "POST", body: body })
        .then(function () { text.value = ""; status(t("logged")); loadBrands(); }).catch(function (err) { status(err.message); });
    });
    box.appendChild(form);
    box.appendChild(el("h2", "", t("brief_title")));
    var brief = el("form", "reply"), paste = el("textarea"), file = el("input"), read = el("button", "primary", t("read_brief"));
    brief.id = "brief-form"; paste.id = "brief-text"; file.id = "brief-file"; file.type = "file";
    file.accept = ".pdf,.docx,.eml,.txt,application/pdf"; read.type = "submit";
    paste.placeholder = t("brief_ph"); paste.setAttribute("aria-label", t("brief_ph")); paste.dir = "auto";
    file.setAttribute("aria-label", t("brief_title"));
    var proposal = el("p", "hint"); proposal.id = "brief-proposal"; proposal.dir = "auto";
    [paste, file, read].forEach(function (n) { brief.appendChild(n); });
    function sendBrief(confirm) {
      var query = confirm ? "?confirm=true" : "";
      var chosen = file.files && file.files[0];
      if (chosen) {
        return fetch("/console/api/briefs" + query + (query ? "&" : "?") + "filename=" + encodeURIComponent(chosen.name), {
          method: "POST", credentials: "same-origin", body: chosen,
          headers: { "Content-Type": chosen.type || "application/octet-stream", "X-CSRF-Token": me.csrf, "Accept": "application/json" }
        }).then(function (res) { return res.json().then(function (b) { if (!res.ok) throw new Error(b.detail || b.title); return b; }); });
      }
      return api("/briefs" + query, { method: "POST", body: { text: paste.value } });
    }
    brief.addEventListener("submit", function (e) {
      e.preventDefault();
      sendBrief(false).then(function (r) {
        proposal.textContent = r.proposal || "";
        var old = $("brief-create"); if (old) old.remove();
        var create = el("button", "primary", t("create")); create.type = "button"; create.id = "brief-create";
        create.addEventListener("click", function () {
          sendBrief(true).then(function (done) {
            status(t("created") + " " + done.partnership.brand + " (" + done.partnership.status + ")");
            proposal.textContent = ""; create.remove(); paste.value = ""; file.value = "";
          }).catch(function (err) { status(err.message); });
        });
        box.appendChild(create);
      }).catch(function (err) { status(err.message); });
    });
    box.appendChild(brief);
    box.appendChild(proposal);
  }

  // ---- one conversation --------------------------------------------------------------------------
  function openConversation(number, quiet) {
    current = number;
    document.querySelectorAll("#list li[data-number]").forEach(function (li) {
      li.setAttribute("aria-current", String(li.getAttribute("data-number")) === String(number) ? "true" : "false");
    });
    return api("/conversations/" + number + (showWhy ? "?trace=true" : "")).then(function (c) {
      if (current !== number) return;
      var view = $("view"), draft = view.querySelector("textarea");
      var kept = draft ? draft.value : "", focused = draft && document.activeElement === draft;
      view.textContent = "";
      var head = el("h2", "", t("conversation") + " #" + c.number + " · " + c.channel + " · " + t("state_" + c.state));
      view.appendChild(head);
      var transcript = el("div", "transcript"); transcript.setAttribute("role", "log");
      c.messages.forEach(function (m) {
        var row = el("div", "msg " + m.from); row.dir = "auto";
        row.appendChild(el("span", "by", t(m.from) + " · " + ago(m.at)));
        row.appendChild(document.createTextNode(m.text));
        if (m.trace) {
          var w = m.trace, why = el("div", "why");
          why.textContent = t("understood") + " " + (w.intent || "?") + (w.confidence != null ? " (" + Math.round(w.confidence * 100) + "%)" : "") +
            " · " + t("policy") + ": " + (w.policy || "-") + " · " + t("action") + ": " + (w.action || "-") +
            (w.tools && w.tools.length ? " · " + t("tools") + ": " + w.tools.join(", ") : "");
          row.appendChild(why);
        }
        transcript.appendChild(row);
      });
      view.appendChild(transcript);
      transcript.scrollTop = transcript.scrollHeight;
      var actions = el("div", "actions");
      var why = el("button", "", showWhy ? t("hide_why") : t("why")); why.type = "button"; why.id = "why";
      why.addEventListener("click", function () { showWhy = !showWhy; openConversation(number); });
      actions.appendChild(why);
      if (c.state === "waiting" || c.state === "human") {
        var back = el("button", "", t("hand_back")); back.type = "button"; back.id = "hand-back";
        back.addEventListener("click", function () {
          api("/conversations/" + number + "/hand-back", { method: "POST" })
            .then(function () { status(t("handed")); loadList(); })
            .catch(function (err) { status(err.message); });
        });
        actions.appendChild(back);
      }
      view.appendChild(actions);
      if (c.state !== "closed") view.appendChild(replyForm(number, kept, focused));
    }).catch(function (err) { if (err.status !== 401) status(err.message); });
  }
  function replyForm(number, kept, focused) {
    var form = el("form", "reply"), box = el("textarea");
    box.id = "reply-text"; box.placeholder = t("reply_ph"); box.setAttribute("aria-label", t("reply_ph"));
    box.maxLength = 1600; box.dir = "auto"; box.value = kept || "";
    var send = el("button", "primary", t("send")); send.type = "submit"; send.id = "reply-send";
    form.appendChild(box); form.appendChild(send);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = box.value.trim();
      if (!text) { box.focus(); return; }
      send.disabled = true;
      api("/conversations/" + number + "/reply", { method: "POST", body: { text: text } }).then(function (r) {
        box.value = ""; status((r.delivery === "stored" ? t("stored") : t("sent") + " (" + r.delivery + ")") + (r.masked ? " " + t("masked") : ""));
        return loadList();
      }).catch(function (err) { status(err.message); }).then(function () { send.disabled = false; });
    });
    if (focused) setTimeout(function () { box.focus(); }, 0);
    return form;
  }

  // ---- live ---------------------------------------------------------------------------------------
  function listen() {
    if (!window.EventSource || events) return;
    events = new EventSource("/console/api/events");
    events.addEventListener("ready", function () { status(t("live")); });
    events.addEventListener("changed", function () { loadList(); });
    events.addEventListener("error", function () {
      if (events && events.readyState === 2) { events = null; setTimeout(function () { if (me) listen(); }, 3000); }
      else status(t("offline"));
    });
  }

  api("/session").then(showConsole).catch(showSignIn);
})();
