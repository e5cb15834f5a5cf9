// The essgraph query page: editor, example gallery, results table, downloads, bookmarkable URL.
// No framework and no external asset: CodeMirror 5 is served from node_modules by the app.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var t = config.text;
  var textarea = document.getElementById("query");
  var form = document.getElementById("query-form");
  var status = document.getElementById("status");
  var output = document.getElementById("output");
  var downloads = document.getElementById("downloads");
  var csvLink = document.getElementById("download-csv");
  var jsonLink = document.getElementById("download-json");
  var otherLang = document.getElementById("other-lang");
  var editor = null;

  if (window.CodeMirror) {
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      lineNumbers: true,
      indentUnit: 2,
      screenReaderLabel: t.editor,
      extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run }
    });
  }

  function getQuery() { return editor ? editor.getValue() : textarea.value; }
  function setQuery(text) {
    if (editor) { editor.setValue(text); } else { textarea.value = text; }
  }

  function endpointUrl(text, format) {
    var params = new URLSearchParams({ query: text, format: format });
    return config.endpoint + "?" + params.toString();
  }

  function remember(text) {
    // The query lives in the URL, so the page can be bookmarked and shared.
    var url = new URL(window.location.href);
    url.searchParams.set("query", text);
    url.searchParams.set("lang", config.lang);
    url.hash = "";
    window.history.replaceState(null, "", url.toString());
    var other = new URL(url.toString());
    other.searchParams.set("lang", config.lang === "fr" ? "en" : "fr");
    otherLang.setAttribute("href", other.pathname + other.search);
  }

  function compact(iri) {
    var names = Object.keys(config.prefixes);
    for (var i = 0; i < names.length; i++) {
      var ns = config.prefixes[names[i]];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) {
        return names[i] + ":" + iri.slice(ns.length);
      }
    }
    return iri;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = term.value;
      a.textContent = compact(term.value);
      a.title = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.setAttribute("lang", term["xml:lang"]);
        var tag = document.createElement("span");
        tag.className = "lang-tag";
        tag.textContent = "@" + term["xml:lang"];
        td.appendChild(tag);
      }
    }
    return td;
  }

  function table(doc) {
    var el = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = t.results;
    el.appendChild(caption);
    var head = el.createTHead().insertRow();
    doc.head.vars.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    var body = el.createTBody();
    doc.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      doc.head.vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
    });
    return el;
  }

  function showError(message) {
    output.replaceChildren();
    var p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = t.error + " : " + message;
    output.appendChild(p);
    status.textContent = "";
    downloads.hidden = true;
  }

  function run() {
    var text = getQuery();
    remember(text);
    status.textContent = t.running;
    return fetch(config.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        "Accept-Language": config.lang
      },
      body: new URLSearchParams({ query: text }).toString()
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok) {
        return response.json().then(function (problem) {
          showError((problem.message && problem.message[config.lang]) || problem.detail);
        }, function () { showError(response.status + " " + response.statusText); });
      }
      var rows = response.headers.get("x-essgraph-rows");
      var truncated = response.headers.get("x-essgraph-truncated") === "true";
      var isGraph = type.indexOf("sparql-results") < 0;
      csvLink.hidden = isGraph;
      csvLink.href = endpointUrl(text, "csv");
      jsonLink.href = endpointUrl(text, isGraph ? "jsonld" : "json");
      jsonLink.setAttribute("download", isGraph ? "essgraph-graphe.jsonld" : "essgraph-resultats.json");
      downloads.hidden = false;
      var done = (rows || "0") + " " + t.rows + (truncated ? " — " + t.truncated : "");
      if (isGraph) {
        return response.text().then(function (body) {
          var pre = document.createElement("pre");
          pre.textContent = body;
          output.replaceChildren(pre);
          status.textContent = done;
        });
      }
      return response.json().then(function (doc) {
        if (typeof doc.boolean === "boolean") {
          var p = document.createElement("p");
          p.className = "boolean";
          p.textContent = String(doc.boolean);
          output.replaceChildren(p);
        } else if (doc.results.bindings.length === 0) {
          var none = document.createElement("p");
          none.textContent = t.no_results;
          output.replaceChildren(none);
        } else {
          output.replaceChildren(table(doc));
        }
        status.textContent = done;
      });
    }, function (error) { showError(String(error)); });
  }

  // A gallery query is loaded as the server runs it at /queries/{name}: its parameters'
  // defaults bound as a VALUES block (GET /queries/{name}/sparql). A query with a required
  // parameter is shown unbound, with the server's message naming what to fill in.
  var namedBase = config.endpoint.replace(/sparql$/, "queries/");
  function loadNamed(name) {
    var item = config.gallery.filter(function (q) { return q.name === name; })[0];
    if (!item) { return Promise.resolve(); }
    status.textContent = t.running;
    var url = namedBase + encodeURIComponent(name) + "/sparql?" +
      new URLSearchParams({ lang: config.lang }).toString();
    return fetch(url, { headers: { "Accept-Language": config.lang } }).then(function (response) {
      if (response.ok) {
        return response.text().then(function (text) { setQuery(text); return run(); });
      }
      setQuery(item.text);
      remember(item.text);
      return response.json().then(function (problem) {
        showError((problem.message && problem.message[config.lang]) || problem.detail);
      }, function () { showError(response.status + " " + response.statusText); });
    }, function (error) { showError(String(error)); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () { loadNamed(button.dataset.name); });
  });

  var hash = window.location.hash;
  var fromHash = hash.indexOf("#query=") === 0
    ? decodeURIComponent(hash.slice(7).replace(/\+/g, " ")) : null;
  var initial = config.initialQuery || fromHash;
  if (initial) {
    setQuery(initial); run();
  } else if (hash.indexOf("#named=") === 0) {
    loadNamed(decodeURIComponent(hash.slice(7)));
  }
})();
