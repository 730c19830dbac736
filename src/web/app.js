// arsplan's local page: saves an edited meeting cell, keeps the preview of
// the documents' pages up to date, and follows a send's progress. Every
// form also works without this script (a full page load).
"use strict";

(function () {
  var statusLine = null;

  function say(el, text, kind) {
    if (!el) return;
    el.textContent = text;
    el.className = el.className.replace(/\b(ok|feil)\b/g, "").trim() + (kind ? " " + kind : "");
  }

  // One result at a time: a new result (a cell saved, a form refused here)
  // takes away the banner an earlier action left on the page.
  function dropOldResults() {
    document.querySelectorAll("div.melding#resultat").forEach(function (el) { el.remove(); });
  }

  function diagText(d) {
    var s = (d.kind === "feil" ? "Feil: " : "Advarsel: ") + d.message;
    if (d.hint) s += " Hjelp: " + d.hint;
    return s;
  }

  function showCellDiags(form, list) {
    var td = form.closest("td");
    var box = td ? td.querySelector(".celle-diag") : null;
    if (!box) return;
    box.textContent = "";
    list.forEach(function (d) {
      var p = document.createElement("p");
      p.className = "diag " + d.kind;
      p.textContent = diagText(d);
      box.appendChild(p);
    });
    td.classList.toggle("har-diag", list.length > 0);
  }

  // ---- Preview ----
  var preview = document.getElementById("forhandsvisning");
  var previewStatus = document.getElementById("forhandsvisning-status");
  var shownKeys = {};
  var previewRun = 0;

  function pageUrl(doc, page, key) {
    return preview.dataset.sider + "/" + doc + "/" + (page + 1) + "?v=" + encodeURIComponent(key);
  }

  function loadPreview(startedAt, then) {
    if (!preview) return;
    var after = then || function () {};
    var run = ++previewRun;
    fetch(preview.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (info) {
        if (run !== previewRun) return;
        if (info.feil) {
          var msgs = Array.isArray(info.feil) ? info.feil.map(diagText).join(" ") : String(info.feil);
          say(previewStatus, "Forhåndsvisningen kan ikke lages før feilene er rettet. " + msgs, "feil");
          after();
          return;
        }
        var waiting = [];
        info.docs.forEach(function (d, di) {
          var section = preview.querySelector('[data-dokument="' + di + '"]');
          if (!section) {
            section = document.createElement("div");
            section.className = "dokument";
            section.dataset.dokument = String(di);
            var h = document.createElement("h3");
            section.appendChild(h);
            preview.appendChild(section);
          }
          section.querySelector("h3").textContent = d.title + " (" + d.pages.length + (d.pages.length === 1 ? " side)" : " sider)");
          var figures = section.querySelectorAll("figure");
          for (var k = d.pages.length; k < figures.length; k++) figures[k].remove();
          d.pages.forEach(function (key, pi) {
            var fig = section.querySelectorAll("figure")[pi];
            if (!fig) {
              fig = document.createElement("figure");
              var img = document.createElement("img");
              img.width = 893;
              img.height = 1263;
              var cap = document.createElement("figcaption");
              fig.appendChild(img);
              fig.appendChild(cap);
              section.appendChild(fig);
            }
            var im = fig.querySelector("img");
            var caption = "Side " + (pi + 1) + " av " + d.pages.length;
            im.alt = caption + ", " + d.title;
            fig.querySelector("figcaption").textContent = caption;
            var id = di + "/" + pi;
            if (shownKeys[id] !== key) {
              var first = shownKeys[id] === undefined;
              shownKeys[id] = key;
              waiting.push(new Promise(function (done) {
                im.onload = function () { done(); };
                im.onerror = function () { done(); };
              }));
              im.src = pageUrl(di, pi, key);
              im.classList.toggle("ny", !first);
            } else {
              im.classList.remove("ny");
            }
          });
        });
        var extra = preview.querySelectorAll(".dokument");
        for (var x = info.docs.length; x < extra.length; x++) extra[x].remove();
        Promise.all(waiting).then(function () {
          if (run !== previewRun) return;
          preview.dataset.nokkel = info.key;
          if (startedAt) {
            var ms = Math.round(performance.now() - startedAt);
            document.body.dataset.forhandsvisningMs = String(ms);
            var changed = waiting.length;
            say(previewStatus, "Forhåndsvisningen er oppdatert på " + (ms / 1000).toFixed(2).replace(".", ",") +
              " s (" + changed + (changed === 1 ? " side endret)." : " sider endret)."), "ok");
          } else {
            say(previewStatus, "Forhåndsvisningen er klar.", "");
          }
          document.body.dataset.forhandsvisning = info.key;
          after();
        });
      })
      .catch(function () {
        say(previewStatus, "Forhåndsvisningen kunne ikke hentes. Last siden på nytt.", "feil");
        after();
      });
  }

  // ---- After a save: the parts of the page the new data changes ----
  // (counts, the list of diagnostics, each cell's messages, the outline and
  // the documents' section), from the page as the server makes it now.
  function refreshParts() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["status-linje", "diagnoser", "disposisjon", "dokumenter", "historikk"].forEach(function (id) {
          var old = document.getElementById(id);
          var now = fresh.getElementById(id);
          if (old && now) old.replaceWith(document.importNode(now, true));
        });
        fresh.querySelectorAll(".celle-diag[id]").forEach(function (now) {
          var old = document.getElementById(now.id);
          if (!old) return;
          old.replaceWith(document.importNode(now, true));
          var td = document.getElementById(now.id).closest("td");
          if (td) td.classList.toggle("har-diag", now.children.length > 0);
        });
        fresh.querySelectorAll("input.felt[id]").forEach(function (now) {
          var old = document.getElementById(now.id);
          if (!old) return;
          ["aria-invalid", "aria-describedby"].forEach(function (a) {
            if (now.hasAttribute(a)) old.setAttribute(a, now.getAttribute(a));
            else old.removeAttribute(a);
          });
        });
      })
      .catch(function () { /* the next page load shows them */ });
  }

  // ---- Editing a meeting cell ----
  // Saves go one at a time, in order: each carries the file's sha256 that
  // the answer to the one before it gave, so a quick second edit is not
  // refused as an edit of an older file. A cell already waiting in the
  // queue is saved once, with the value it has when its turn comes.
  var saving = Promise.resolve();

  function save(form) {
    var input = form.querySelector('input[name="verdi"]');
    if (!input || form.dataset.iKo === "ja") return;
    if (input.value === input.dataset.opprinnelig && form.dataset.sender !== "ja") return;
    form.dataset.iKo = "ja";
    input.classList.add("lagrer");
    input.classList.remove("lagret");
    saving = saving.then(function () {
      form.dataset.iKo = "";
      return send(form, input);
    });
  }

  function send(form, input) {
    if (input.value === input.dataset.opprinnelig) {
      input.classList.remove("lagrer");
      return null;
    }
    var startedAt = performance.now();
    form.dataset.sender = "ja";
    dropOldResults();
    say(statusLine, "Lagrer …", "");
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: body,
      credentials: "same-origin"
    })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        form.dataset.sender = "";
        if (form.dataset.iKo !== "ja") input.classList.remove("lagrer");
        if (res.ok) {
          // Typed again while this was on its way: the queued save sends it.
          if (input.value === body.get("verdi")) input.value = res.verdi;
          input.dataset.opprinnelig = res.verdi;
          input.removeAttribute("aria-invalid");
          if (form.dataset.iKo !== "ja") input.classList.add("lagret");
          document.querySelectorAll('#moter input[name="sha"]').forEach(function (s) { s.value = res.sha256; });
          var part = document.getElementById("moter");
          if (part) part.dataset.sha = res.sha256;
          document.body.dataset.lagret = String(Number(document.body.dataset.lagret || "0") + 1);
          showCellDiags(form, res.advarsler || []);
          var note = (res.advarsler || []).map(diagText).join(" ");
          say(statusLine, res.melding + (note ? " " + note : ""), "ok");
          // The rest of the page after the preview, so the two do not compete.
          loadPreview(startedAt, refreshParts);
        } else {
          input.setAttribute("aria-invalid", "true");
          showCellDiags(form, res.feil || []);
          var why = (res.feil || []).map(diagText).join(" ");
          say(statusLine, res.melding + (why ? " " + why : ""), "feil");
          if (res.last_pa_nytt) {
            // Changed elsewhere (another tab, Excel): what she typed is not
            // thrown away by a reload; it stays shown until she reloads.
            staleAt(form, input.value);
          }
        }
      })
      .catch(function () {
        form.dataset.sender = "";
        input.classList.remove("lagrer");
        say(statusLine, "Ikke lagret: nettsiden svarer ikke. Kjører arsplan fortsatt?", "feil");
      });
  }

  // A message at the edited field that the file changed elsewhere: it
  // shows what she typed (to copy) and reloads only when she asks.
  function staleAt(field, typed) {
    var anchor = field.closest("form") || field;
    var box = anchor.parentNode.querySelector(".endret-her");
    if (!box) {
      box = document.createElement("div");
      box.className = "endret-her melding feil";
      box.setAttribute("role", "alert");
      anchor.parentNode.insertBefore(box, anchor.nextSibling);
    }
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = "Ikke lagret: filen er endret et annet sted – i en annen fane eller i Excel – mens du skrev. " +
      "Det du skrev, står under; kopier det om du vil beholde det, og last så siden på nytt for å se den nye utgaven.";
    box.appendChild(p);
    if (typed) {
      var q = document.createElement("p");
      q.className = "skrevet";
      q.textContent = typed;
      box.appendChild(q);
    }
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = "Last siden på nytt";
    b.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(b);
    return box;
  }

  // ---- A send's progress ----
  function followSend(box) {
    var bar = document.getElementById("sendt-maler");
    var text = document.getElementById("fremdrift-tekst");
    var errors = document.getElementById("fremdrift-feil");
    function poll() {
      fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          bar.max = p.total;
          bar.value = p.sent;
          bar.textContent = p.sent + " av " + p.total;
          if (p.done) {
            text.textContent = p.ok
              ? "Ferdig: " + p.sent + " av " + p.total + " e-poster er sendt."
              : "Sendingen stoppet etter " + p.sent + " av " + p.total + " e-poster.";
            errors.textContent = "";
            (p.errors || []).forEach(function (d) {
              var li = document.createElement("li");
              li.className = "diag feil";
              li.textContent = diagText(d);
              errors.appendChild(li);
            });
            (p.skipped || []).forEach(function (w) {
              var li = document.createElement("li");
              li.className = "diag advarsel";
              li.textContent = w;
              errors.appendChild(li);
            });
          } else {
            text.textContent = p.sent + " av " + p.total + " sendt" + (p.current ? "; sender til " + p.current : "") + " …";
            setTimeout(poll, 500);
          }
        })
        .catch(function () { setTimeout(poll, 2000); });
    }
    if (box.dataset.ferdig !== "ja") poll();
  }


  // ---- A text in the editor ----
  // Names are inserted where the cursor stands; the preview and the checks
  // follow the text as it is typed (nothing is saved until «Lagre teksten»).
  function textEditor(form) {
    var area = document.getElementById("tekst");
    var shown = document.getElementById("tekst-visning");
    var problems = document.getElementById("tekst-feil");
    if (!area || !shown || !problems) return;
    var run = 0;
    var timer = null;
    function refresh() {
      var mine = ++run;
      var body = new URLSearchParams(new FormData(form));
      body.set("handling", "vis");
      fetch(form.action, { method: "POST", headers: { Accept: "application/json" }, body: body, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (res) {
          if (mine !== run) return;
          problems.textContent = "";
          var list = res.feil || [];
          if (list.length) {
            var ul = document.createElement("ul");
            ul.className = "diagliste";
            list.forEach(function (d) {
              var li = document.createElement("li");
              li.className = "diag " + d.kind;
              li.textContent = (d.place ? d.place + ": " : "") + diagText(d);
              ul.appendChild(li);
            });
            problems.appendChild(ul);
          }
          var errors = list.filter(function (d) { return d.kind === "feil"; }).length;
          if (errors) area.setAttribute("aria-invalid", "true");
          else area.removeAttribute("aria-invalid");
          // The server made this HTML from the text and escaped every character of it.
          if (res.html) shown.innerHTML = res.html;
          else {
            shown.textContent = "";
            var p = document.createElement("p");
            p.className = "stille";
            p.textContent = errors ? "Forhåndsvisningen kommer når feilene er rettet." : "Teksten er tom.";
            shown.appendChild(p);
          }
          document.body.dataset.tekstvisning = String(Number(document.body.dataset.tekstvisning || "0") + 1);
        })
        .catch(function () { /* the button «Vis forhåndsvisningen» still works */ });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    document.querySelectorAll("code[data-navn]").forEach(function (code) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "smal";
      b.textContent = "Sett inn";
      var hidden = document.createElement("span");
      hidden.className = "skjult";
      hidden.textContent = " " + code.textContent;
      b.appendChild(hidden);
      b.addEventListener("click", function () {
        var text = "{{ " + code.dataset.navn + " }}";
        var start = area.selectionStart, end = area.selectionEnd;
        area.focus();
        area.setRangeText(text, start, end, "end");
        area.dispatchEvent(new Event("input"));
      });
      code.parentNode.insertBefore(b, code.parentNode.firstChild);
      code.parentNode.insertBefore(document.createTextNode(" "), b.nextSibling);
    });
  }

  // ---- An e-mail address checked as it is typed ----
  var EMAIL = /^[^\s@<>()\[\],;:"]+@[^\s@<>()\[\],;:"]+\.[^\s@<>()\[\],;:".]{2,}$/;

  function emailField(input) {
    var out = document.getElementById(input.getAttribute("aria-describedby"));
    function check(final) {
      var v = input.value.trim();
      var bad = v !== "" && !EMAIL.test(v);
      if (bad && (final || v.indexOf("@") >= 0 && v.indexOf(".", v.indexOf("@")) >= 0)) {
        input.setAttribute("aria-invalid", "true");
        if (out) out.textContent = "«" + v + "» er ikke en gyldig e-postadresse: skriv den som postmottak@kommune.no";
      } else if (!bad) {
        input.removeAttribute("aria-invalid");
        if (out) out.textContent = v === "" ? "" : "Gyldig adresse.";
      }
      return !bad;
    }
    input.addEventListener("input", function () { check(false); });
    input.addEventListener("blur", function () { check(true); });
    if (input.form) {
      input.form.addEventListener("submit", function (e) {
        var b = e.submitter;
        if (b && b.value === "verifiser") return;
        if (!check(true)) {
          e.preventDefault();
          dropOldResults();
          input.focus();
        }
      });
    }
  }

  // ---- A file too large is said before it is sent ----
  function fileField(input) {
    var max = Number(input.dataset.maks || "0");
    var out = document.createElement("p");
    out.className = "diag feil";
    out.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(out);
    input.addEventListener("change", function () {
      var f = input.files && input.files[0];
      var tooBig = !!(f && max && f.size > max);
      out.textContent = tooBig ? "«" + f.name + "» er " + (f.size / 1048576).toFixed(1) + " MB; høyst " + Math.round(max / 1048576) + " MB kan lastes opp." : "";
      if (tooBig) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (input.form) {
        input.form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = tooBig; });
      }
    });
  }

  // ---- Two windows, one truth ----
  // A page asks every few seconds for the fingerprints of its files (the
  // year's meetings and plan, the texts, the recipients); when one changed
  // on disk (another tab, Excel), that part of the page is read again,
  // unless something typed in it is not saved yet (then it says so beside
  // the form and waits for her).
  // The first field in `el` changed and not saved (null: none).
  function changedInside(el) {
    var fields = el.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "checkbox" || f.type === "radio") {
        if (f.checked !== f.defaultChecked) return f;
      } else if (f.tagName === "SELECT") {
        // Without a «selected» attribute the first option is the default.
        var def = 0;
        for (var k = f.options.length - 1; k >= 0; k--) {
          if (f.options[k].defaultSelected) def = k;
        }
        if (f.selectedIndex !== def) return f;
      } else if (f.value !== (f.dataset.opprinnelig !== undefined ? f.dataset.opprinnelig : f.defaultValue)) {
        return f;
      }
    }
    return null;
  }

  // The meetings table as cards wherever it would scroll sideways (the
  // style sheet does so by the width alone, for the usual columns).
  function fitMeetings() {
    var t = document.querySelector("table.moter");
    var frame = t && t.closest(".tabellramme");
    if (!frame) return;
    t.classList.remove("kort");
    if (frame.scrollWidth > frame.clientWidth + 1) t.classList.add("kort");
  }

  // An outline item's forms, fetched when «Endre eller flytt» or «Legg til
  // etter» is opened (the page carries a link to them instead).
  function loadPart(details) {
    var box = details.querySelector(".del");
    if (!box || details.dataset.lastet === "ja" || details.dataset.laster === "ja") return;
    details.dataset.laster = "ja";
    box.setAttribute("aria-busy", "true");
    fetch(details.dataset.del + "&bit=1", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        box.innerHTML = html;
        details.dataset.lastet = "ja";
      })
      .catch(function () { /* the link to the item's page stays */ })
      .then(function () {
        details.dataset.laster = "";
        box.removeAttribute("aria-busy");
      });
  }

  function reloadParts(ids, then, failed) {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) {
          var old = document.getElementById(id);
          var now = fresh.getElementById(id);
          if (old && now) old.replaceWith(document.importNode(now, true));
        });
        fitMeetings();
        if (then) then(fresh);
      })
      .catch(function () { if (failed) failed(); /* the next poll tries again */ });
  }

  // Asks `url` for the fingerprints every two seconds while the page is
  // shown, one question at a time: `seen(f, done)` compares them with the
  // page and calls done() when it has finished.
  function pollFiles(url, seen) {
    var busy = false;
    function done() { busy = false; }
    setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (f) { seen(f, done); })
        .catch(done);
    }, 2000);
  }

  function reloaded() {
    document.body.dataset.lastetPaNytt = String(Number(document.body.dataset.lastetPaNytt || "0") + 1);
  }

  function watchFiles() {
    var meetings = document.getElementById("moter");
    if (meetings && meetings.dataset.sha) {
      pollFiles(window.location.pathname.replace(/\/$/, "") + "/filer.json", yearChanged);
    }
    var recipients = document.getElementById("mottakerliste");
    if (recipients) pollFiles(recipients.dataset.filer, recipientsChanged);
    var texts = document.getElementById("tekstliste");
    if (texts) pollFiles(texts.dataset.filer, textsChanged);
    var text = document.getElementById("tekstskjema");
    if (text) pollFiles(text.dataset.filer, textChanged);
  }

  function yearChanged(f, done) {
    var ids = [];
    var m = document.getElementById("moter");
    var plan = document.querySelector(".plan-rediger");
    var waiting = [];
    if (m && f.moter && m.dataset.sha && f.moter !== m.dataset.sha) {
      var typedM = changedInside(m);
      if (typedM) waiting.push(typedM); else ids.push("moter");
    }
    if (plan && f.plan && f.plan !== plan.dataset.sha) {
      var part = document.getElementById("disposisjon");
      var typedP = part && changedInside(part);
      if (typedP) waiting.push(typedP); else ids.push("disposisjon");
    }
    var line = document.getElementById("endret-utenfor");
    if (ids.length) {
      ["status-linje", "diagnoser", "dokumenter", "historikk"].forEach(function (id) { ids.push(id); });
      reloadParts(ids, function () {
        reloaded();
        say(document.getElementById("endret-utenfor"),
          "Filen ble endret utenfor denne siden (i en annen fane eller i Excel); siden viser nå det som står i filen.", "ok");
        loadPreview(performance.now());
        done();
      }, done);
      return;
    }
    // Typed and not saved while the file changed: said at the field
    // (not at the top, out of sight), with her text, until she reloads.
    waiting.forEach(function (field) {
      if (!field.closest("form") || !field.closest("form").parentNode.querySelector(".endret-her")) {
        staleAt(field, field.value);
      }
    });
    if (waiting.length && line) {
      say(line, "En fil er endret et annet sted – i en annen fane eller i Excel – mens du skrev; se meldingen ved feltet.", "feil");
    }
    done();
  }

  // The recipients: the list is read again; when she is typing in one of
  // the forms, a note beside it offers to, and what she typed stays.
  function recipientsChanged(f, done) {
    var list = document.getElementById("mottakerliste");
    if (f.mottakere === undefined || f.mottakere === list.dataset.sha) return done();
    // A form shown again with what she sent (refused) counts as typed.
    var typed = changedInside(document.querySelector("main")) || document.querySelector("main form[data-egen]");
    var form = typed && typed.closest("form");
    if (!form) { reloadRecipients(null); return done(); }
    if (!form.parentNode.querySelector(".endret-her")) {
      var box = document.createElement("div");
      box.className = "endret-her melding advarsel";
      var p = document.createElement("p");
      p.textContent = "Listen over mottakere er endret et annet sted (i Excel eller i en annen fane) mens du skrev. " +
        "Det du har skrevet, er ikke lagret ennå, og blir stående når du henter den nye listen.";
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = "Hent den nye listen";
      b.addEventListener("click", function () { reloadRecipients(form); });
      box.appendChild(p);
      box.appendChild(b);
      form.parentNode.insertBefore(box, form.nextSibling);
      say(document.getElementById("mottakerliste-status"),
        "Listen over mottakere er endret et annet sted; se meldingen ved skjemaet du skriver i.", "");
    }
    done();
  }

  // Reads the list again; what was typed in `form` is put back in the same
  // municipality's form (its row may have moved), or stays where it is.
  function reloadRecipients(form) {
    var li = form && form.closest("li[data-kommune]");
    var typed = [];
    if (form) {
      form.querySelectorAll("input:not([type=hidden])").forEach(function (f) {
        typed.push([f.name, f.type === "checkbox" ? f.checked : f.value]);
      });
    }
    reloadParts(["mottakerliste"], function () {
      var list = document.getElementById("mottakerliste");
      document.querySelectorAll('main form input[name="sha"]').forEach(function (s) { s.value = list.dataset.sha; });
      document.querySelectorAll("main .endret-her").forEach(function (b) { b.remove(); });
      var gone = false;
      if (li) {
        var same = null;
        list.querySelectorAll("li[data-kommune]").forEach(function (n) {
          if (!same && n.dataset.kommune === li.dataset.kommune) same = n;
        });
        var into = same && same.querySelector("form.mottakerskjema");
        gone = !into;
        form = into;
        if (into) {
          typed.forEach(function (t) {
            var f = into.querySelector('[name="' + t[0] + '"]');
            if (f && f.type === "checkbox") f.checked = t[1];
            else if (f) f.value = t[1];
          });
        }
      }
      // Back to her form, where she was.
      var field = form && form.querySelector("input:not([type=hidden])");
      if (field) field.focus();
      reloaded();
      say(document.getElementById("mottakerliste-status"), gone
        ? "Listen er hentet på nytt. Kommunen du endret, er ikke lenger i listen; det du skrev, er ikke lagret."
        : "Listen er endret et annet sted (i Excel eller i en annen fane); siden viser nå det som står i filen." +
          (form ? " Det du skrev, står der det sto." : ""), gone ? "feil" : "ok");
    });
  }

  // The texts' list: read again when a text is added, changed or removed.
  function textsChanged(f, done) {
    var list = document.getElementById("tekstliste");
    if (f.tekster === undefined || f.tekster === list.dataset.sha) return done();
    reloadParts(["tekstliste"], function () {
      reloaded();
      say(document.getElementById("tekstliste-status"),
        "Listen er oppdatert: en tekst er lagt til, endret eller fjernet et annet sted.", "ok");
      done();
    }, done);
  }

  // The text in the editor changed elsewhere: taken in when she has not
  // typed since it was read; else her text stays and the note beside it
  // shows the other version and lets her choose.
  function textChanged(f, done) {
    var form = document.getElementById("tekstskjema");
    var area = document.getElementById("tekst");
    var sha = form.querySelector('input[name="sha"]');
    var other = document.getElementById("annen-versjon");
    var now = (f.filer || {})[form.dataset.navn] || "";
    if (!f.filer || now === sha.value || (!other.hidden && other.dataset.sha === now)) return done();
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var text = fresh.getElementById("tekst");
        var freshSha = fresh.querySelector('#tekstskjema input[name="sha"]');
        if (!text || !freshSha) return done();
        var status = document.getElementById("tekst-lagring");
        if (form.dataset.egen !== "ja" && area.value === area.defaultValue) {
          area.value = area.defaultValue = text.value;
          sha.value = freshSha.value;
          // In place (the editor keeps these two): as the server made them, every text escaped.
          ["tekst-visning", "tekst-feil"].forEach(function (id) {
            var n = fresh.getElementById(id);
            if (n) document.getElementById(id).innerHTML = n.innerHTML;
          });
          if (text.hasAttribute("aria-invalid")) area.setAttribute("aria-invalid", "true");
          else area.removeAttribute("aria-invalid");
          reloaded();
          say(status, "Teksten er endret et annet sted (i en annen fane eller et annet program); her er den nye versjonen.", "ok");
        } else {
          document.getElementById("annen-tekst").textContent = freshSha.value ? text.value : "(Teksten er slettet et annet sted.)";
          other.querySelector('input[name="annen"]').value = freshSha.value;
          other.dataset.sha = freshSha.value;
          other.hidden = false;
          say(status, "Teksten er endret et annet sted mens du skrev. Det du skrev, er ikke rørt; velg i meldingen ved teksten.", "feil");
        }
        done();
      })
      .catch(done);
  }

  // ---- The strategy's coverage as the innsatsområder are ticked ----
  function liveCoverage(box) {
    var d = document.getElementById("dekning");
    var total = d ? Number(d.dataset.total) : 0;
    if (!total) return;
    var served = {};
    document.querySelectorAll('.plan-rediger li[data-niva="delmål"]').forEach(function (li) {
      if (li.id === "punkt-" + box.dataset.rad) return;
      li.dataset.innsats.split(" ").forEach(function (id) { if (id) served[id] = true; });
    });
    box.querySelectorAll("input[type=checkbox]:checked").forEach(function (c) {
      served[c.name.replace(/^innsats_/, "")] = true;
    });
    var n = Object.keys(served).length;
    var out = box.querySelector(".dekning-nå");
    if (out) out.textContent = "Med denne endringen: " + n + " av " + total + " innsatsområder dekket.";
  }

  document.addEventListener("DOMContentLoaded", function () {
    statusLine = document.getElementById("lagring");
    // Delegated, so a part of the page read again keeps working.
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if (form.matches && form.matches("form.celle")) {
        e.preventDefault();
        statusLine = document.getElementById("lagring");
        save(form);
      }
      // The drafts' zip downloads without leaving the page: the button
      // that records them as sent is shown as the download starts.
      if (form.matches && form.matches("form[data-utkast]")) {
        var after = document.getElementById(form.getAttribute("data-utkast"));
        var note = document.getElementById("utkast-uten-skript");
        if (after) after.hidden = false;
        if (note) note.hidden = true;
      }
    });
    document.addEventListener("change", function (e) {
      var input = e.target;
      var form = input.closest ? input.closest("form.celle") : null;
      if (form && input.name === "verdi") {
        statusLine = document.getElementById("lagring");
        save(form);
      }
      var box = input.closest ? input.closest("fieldset.innsats") : null;
      if (box) liveCoverage(box);
    }, true); // capturing: a change event that does not bubble counts too
    document.addEventListener("keydown", function (e) {
      var input = e.target;
      if (e.key === "Escape" && input.matches && input.matches("form.celle input[name=verdi]")) {
        input.value = input.dataset.opprinnelig;
      }
    });
    watchFiles();
    fitMeetings();
    document.addEventListener("toggle", function (e) {
      var d = e.target;
      if (d.open && d.matches && d.matches("details[data-del]")) loadPart(d);
    }, true); // toggle does not bubble
    // Opened before the script ran (a reload keeps them open): loaded now.
    document.querySelectorAll("details[data-del][open]").forEach(loadPart);
    var fitting = false;
    window.addEventListener("resize", function () {
      if (fitting) return;
      fitting = true;
      requestAnimationFrame(function () { fitting = false; fitMeetings(); });
    });
    // The send form goes once: a second press while the first is on its
    // way would ask for a second send.
    document.querySelectorAll("form[data-en-gang]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          // After this event, so the press itself still submits the form.
          setTimeout(function () {
            b.dataset.tekst = b.textContent;
            b.disabled = true;
            b.textContent = "Sender …";
          }, 0);
        });
      });
    });
    // Back to a page kept in the browser's cache: the button works again.
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted) return;
      document.querySelectorAll("form[data-en-gang] button[disabled]").forEach(function (b) {
        b.disabled = false;
        if (b.dataset.tekst) b.textContent = b.dataset.tekst;
      });
    });
    var textForm = document.getElementById("tekstskjema");
    if (textForm) textEditor(textForm);
    document.querySelectorAll("input[data-epost]").forEach(emailField);
    document.querySelectorAll("input[type=file][data-maks]").forEach(fileField);
    loadPreview(null);
    var box = document.getElementById("fremdrift");
    if (box) followSend(box);
  });
})();
