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
