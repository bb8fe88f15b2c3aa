// Progressive enhancement only: every page works without this script.
// Shows or hides questions whose condition reads answers on the same page
// (the server decides what counts; hidden answers are never scored).
(function () {
  "use strict";
  function valuesOf(form, name) {
    var out = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox")) { if (el.checked) out.push(el.value); }
      else if (el.value !== "") out.push(el.value);
    });
    return out;
  }
  function norm(v) { return v === true ? "yes" : v === false ? "no" : String(v); }
  function test(cond, form) {
    if (cond.all) return cond.all.every(function (c) { return test(c, form); });
    if (cond.any) return cond.any.some(function (c) { return test(c, form); });
    if (cond.not) return !test(cond.not, form);
    var vals = valuesOf(form, cond.question), v = vals[0];
    if ("answered" in cond) return (vals.length > 0) === cond.answered;
    if (!vals.length) return false;
    if ("equals" in cond) return v === norm(cond.equals);
    if ("not_equals" in cond) return v !== norm(cond.not_equals);
    if ("in" in cond) return cond.in.map(norm).indexOf(v) >= 0;
    if ("not_in" in cond) return cond.not_in.map(norm).indexOf(v) < 0;
    if ("contains" in cond) return vals.indexOf(cond.contains) >= 0;
    if ("contains_any" in cond) return cond.contains_any.some(function (o) { return vals.indexOf(o) >= 0; });
    if ("contains_all" in cond) return cond.contains_all.every(function (o) { return vals.indexOf(o) >= 0; });
    var n = parseFloat(v);
    if ("gt" in cond) return n > cond.gt;
    if ("gte" in cond) return n >= cond.gte;
    if ("lt" in cond) return n < cond.lt;
    if ("lte" in cond) return n <= cond.lte;
    return true;
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (box) {
      try { box.hidden = !test(JSON.parse(box.getAttribute("data-show-if")), form); }
      catch (e) { box.hidden = false; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.questions").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
    });
  });
})();

// On a questionnaire page, the header's language menu saves the page's answers first:
// it sends them with the page's own "language" action instead of losing what was typed.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector("form.lang");
    var page = document.querySelector("form.questions");
    if (!header || !page) return;
    var choice = page.querySelector('select[name="locale"]');
    var send = page.querySelector('button[name="action"][value="language"]');
    if (!choice || !send) return;
    header.addEventListener("submit", function (event) {
      event.preventDefault();
      choice.value = header.querySelector('select[name="locale"]').value;
      send.click();
    });
  });
})();

// What is typed on a questionnaire page is kept in this tab's sessionStorage until the page
// is saved: when Next never reaches the server (the connection dropped) and the intern opens
// the page again, the typed answers come back with a notice. Only while the server still has
// the same version of the page; nothing is kept after signing out or closing the tab.
(function () {
  "use strict";
  var PREFIX = "readiness-draft:";
  function inputs(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.tagName !== "BUTTON" && el.type !== "hidden" && el.name !== "locale";
    });
  }
  function snapshot(form) {
    var values = {};
    inputs(form).forEach(function (el) {
      var list = values[el.name] = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) list.push(el.value); }
      else list.push(el.value);
    });
    return values;
  }
  function restore(form, values) {
    inputs(form).forEach(function (el) {
      var list = values[el.name];
      if (!list) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = list.indexOf(el.value) >= 0;
      else el.value = list[0] || "";
    });
  }
  function forget() {
    try {
      Object.keys(sessionStorage).forEach(function (key) {
        if (key.indexOf(PREFIX) === 0) sessionStorage.removeItem(key);
      });
    } catch (e) { /* storage unavailable: nothing was kept */ }
  }
  window.readinessForms = { snapshot: snapshot, restore: restore, forget: forget };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.signout").forEach(function (out) {
      out.addEventListener("submit", forget);
    });
    var form = document.querySelector("form.questions[data-draft-key]");
    if (!form) return;
    var key = PREFIX + form.getAttribute("data-draft-key");
    var version = form.getAttribute("data-page-version");
    try {
      var kept = JSON.parse(sessionStorage.getItem(key) || "null");
      if (kept && kept.version !== version) sessionStorage.removeItem(key);
      else if (kept && !document.querySelector(".alert") &&
               JSON.stringify(kept.values) !== JSON.stringify(snapshot(form))) {
        restore(form, kept.values);
        var notice = document.createElement("p");
        notice.className = "flash flash-warning restored";
        notice.setAttribute("role", "status");
        notice.textContent = form.getAttribute("data-restored-notice");
        form.parentNode.insertBefore(notice, form);
        form.dispatchEvent(new Event("change"));
      }
    } catch (e) { return; }
    function keep() {
      try { sessionStorage.setItem(key, JSON.stringify({ version: version, values: snapshot(form) })); }
      catch (e) { /* full or disabled: the form still works */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
  });
})();

// The error summary: focus moves to it when the page opens, so a screen reader reads it and
// the keyboard starts there; each link focuses its field and shows the whole question.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var question = field.closest("fieldset") || field;
      question.scrollIntoView({block: "start"});
      field.focus({preventScroll: true});
    });
  });
})();

// Wide screens show the header's menu links inline (CSS does it where the browser can style
// a closed <details>; this opens it elsewhere).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var menu = document.querySelector("details.menu");
    if (menu && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) menu.open = true;
  });
})();

// A link to a step or section inside a folded part of the page opens that part.
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var box = target.closest("details"); box; box = box.parentElement.closest("details")) box.open = true;
    target.scrollIntoView();
  }
  document.addEventListener("DOMContentLoaded", openTarget);
  window.addEventListener("hashchange", openTarget);
})();

// Offline first. The service worker (/sw.js) keeps the pages already opened. Here, a page
// sent without a connection is kept on the phone (IndexedDB, in order) instead of being lost;
// the page says it is waiting, and it is sent when the connection returns, through the same
// form post and the same server checks. A page saved elsewhere meanwhile is a conflict: the
// server keeps what it has and answers 409, and the phone keeps its answers and shows them
// on that page. Without JavaScript, or a browser without these, everything works as before.
(function () {
  "use strict";
  var DB = "readiness-offline", STORE = "queue";
  var sending = false;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function all() { return run("readonly", function (store) { return store.getAll(); }); }
  function put(entry) { return run("readwrite", function (store) { return store.put(entry); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }
  function clear() { return run("readwrite", function (store) { return store.clear(); }); }

  function status(text, kind) {
    var box = document.getElementById("offline-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-status";
      box.setAttribute("role", "status");
      var main = document.getElementById("main");
      if (!main) return;
      main.insertBefore(box, main.firstChild);
    }
    box.className = "flash flash-" + (kind || "info");
    box.textContent = "";
    if (typeof text === "string") box.textContent = text;
    else box.appendChild(text);
    box.hidden = !text;
    return box;
  }
  function bringToView(box) {
    // Pressed at the bottom of a long page: the notice is where the intern looks next.
    if (!box) return;
    box.setAttribute("tabindex", "-1");
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  }
  function words(name) {
    var holder = document.body.getAttribute("data-offline-" + name) || "";
    return holder;
  }
  function show(entries) {
    var waiting = entries.filter(function (e) { return !e.problem; });
    var stuck = entries.filter(function (e) { return e.problem; });
    if (!entries.length) { status(""); return; }
    var box = document.createElement("span");
    if (waiting.length) box.appendChild(document.createTextNode(
      words("waiting").replace("%(num)s", waiting.length) + " "));
    stuck.forEach(function (entry) {
      var link = document.createElement("a");
      link.href = entry.url;
      link.textContent = words(entry.problem) + " (" + entry.title + ")";
      box.appendChild(link);
      box.appendChild(document.createTextNode(" "));
    });
    status(box, stuck.length ? "warning" : "info");
  }
  function refresh() { return all().then(show).catch(function () { /* no storage */ }); }
  var SENT = "readiness-offline-sent";

  function keep(form, submitter) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "action") fields.push([name, String(value)]);
    });
    fields.push(["action", submitter && submitter.value ? submitter.value : "next"]);
    return put({
      url: form.getAttribute("action"),
      title: document.title.split(" · ")[0],
      fields: fields,
      values: window.readinessForms ? window.readinessForms.snapshot(form) : {},
      at: Date.now(),
      problem: null
    });
  }

  function send() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var sent = 0;
    return all().then(function (entries) {
      var chain = Promise.resolve(true);
      var pending = entries.filter(function (e) { return !e.problem; });
      if (!pending.length) return "nothing";  // leave what the page says as it is
      pending.forEach(function (entry) {
        chain = chain.then(function (goOn) {
          if (!goOn) return false;
          var body = new URLSearchParams(entry.fields);
          body.append("offline_sync", "1");
          return fetch(entry.url, {
            method: "POST", body: body, credentials: "same-origin", redirect: "manual"
          }).then(function (response) {
            if (response.type === "opaqueredirect" || response.status === 303) {
              sent += 1;
              return remove(entry.id).then(function () { return true; });
            }
            entry.problem = response.status === 409 ? "conflict" : "check";
            return put(entry).then(function () { return true; });
          }, function () { return false; });  // the connection dropped again: try later
        });
      });
      return chain;
    }).then(function (outcome) {
      sending = false;
      if (outcome === "nothing") return;
      return all().then(function (left) {
        show(left);
        if (sent && document.querySelector("form.questions[data-draft-key]")) {
          // The page on screen may be one that was just saved: show what the server has now
          // (answers, progress), and say so after the reload.
          if (window.readinessForms) window.readinessForms.forget();  // the drafts were sent
          try { sessionStorage.setItem(SENT, "1"); } catch (e) { /* storage unavailable */ }
          window.location.reload();
          return;
        }
        if (sent && !left.length) status(words("sent"), "success");
      });
    }, function () { sending = false; });
  }

  function restoreOnThisPage(form) {
    var action = form.getAttribute("action");
    return all().then(function (entries) {
      var mine = entries.filter(function (e) { return e.url === action; }).pop();
      if (!mine || !window.readinessForms) return;
      window.readinessForms.restore(form, mine.values);
      form.dispatchEvent(new Event("change"));
      form.setAttribute("data-offline-entry", mine.id);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* no offline pages */ });
    }
    if (!window.indexedDB || !window.Promise || !window.fetch) return;
    document.querySelectorAll("form.signout").forEach(function (out) {
      out.addEventListener("submit", function () {
        clear();
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage("forget-pages");
        }
      });
    });
    var form = document.querySelector("form.questions[data-draft-key]");
    if (form) {
      restoreOnThisPage(form).catch(function () {});
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        if (submitter && submitter.value === "language") return;
        var entry = form.getAttribute("data-offline-entry");
        if (navigator.onLine) {
          if (entry) remove(Number(entry));  // sent now, by the page itself
          return;
        }
        event.preventDefault();
        var done = entry ? remove(Number(entry)) : Promise.resolve();
        done.then(function () { return keep(form, submitter); }).then(function (id) {
          form.setAttribute("data-offline-entry", id);
          return refresh();
        }).then(function () { bringToView(document.getElementById("offline-status")); });
      });
    }
    window.addEventListener("online", send);
    window.addEventListener("offline", refresh);
    var justSent = false;
    try { justSent = sessionStorage.getItem(SENT) === "1"; sessionStorage.removeItem(SENT); }
    catch (e) { /* storage unavailable */ }
    refresh().then(function () {
      if (justSent) bringToView(status(words("sent"), "success"));
      return send();
    });
  });
})();
