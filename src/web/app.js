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
        ["status-linje", "diagnoser", "disposisjon", "dokumenter"].forEach(function (id) {
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
          document.querySelectorAll('input[name="sha"]').forEach(function (s) { s.value = res.sha256; });
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
            setTimeout(function () { window.location.reload(); }, 2500);
          }
        }
      })
      .catch(function () {
        form.dataset.sender = "";
        input.classList.remove("lagrer");
        say(statusLine, "Ikke lagret: nettsiden svarer ikke. Kjører arsplan fortsatt?", "feil");
      });
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

  document.addEventListener("DOMContentLoaded", function () {
    statusLine = document.getElementById("lagring");
    document.querySelectorAll("form.celle").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        save(form);
      });
      var input = form.querySelector('input[name="verdi"]');
      if (input) {
        input.addEventListener("change", function () { save(form); });
        input.addEventListener("keydown", function (e) {
          if (e.key === "Escape") {
            input.value = input.dataset.opprinnelig;
          }
        });
      }
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
    loadPreview(null);
    var box = document.getElementById("fremdrift");
    if (box) followSend(box);
  });
})();
