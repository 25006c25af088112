// The query page with JavaScript: YASGUI replaces the plain form. It talks to this server
// only: the endpoint is our /sparql, prefixes and terms for autocompletion come from the
// page and /query/terms.json, and nothing is fetched from any other host.
(function () {
  "use strict";
  const YasguiModule = window.Yasgui;
  const Yasgui = YasguiModule && (YasguiModule.default || YasguiModule);
  const holder = document.getElementById("yasgui");
  if (typeof Yasgui !== "function" || !holder) return; // no bundle: the plain form stays
  const config = JSON.parse(document.getElementById("query-config").textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const idBase = config.base + "id/";
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;

  // --- prefixes and terms -------------------------------------------------------------
  const ourPrefixes = config.prefixes;
  let termsPromise = null;
  function terms() {
    if (!termsPromise) {
      termsPromise = fetch(config.terms)
        .then((r) => (r.ok ? r.json() : { classes: [], properties: [] }))
        .catch(() => ({ classes: [], properties: [] }));
    }
    return termsPromise;
  }
  const termLabels = new Map();
  function localName(iri) {
    const cut = Math.max(iri.lastIndexOf("#"), iri.lastIndexOf("/"));
    return iri.slice(cut + 1);
  }
  function expand(typed, declared) {
    const m = /^([A-Za-z][\w.-]*)?:(.*)$/.exec(typed);
    if (!m) return typed;
    const ns = declared[m[1] || ""] || ourPrefixes[m[1] || ""];
    return ns ? ns + m[2] : typed;
  }
  function prefixed(iri, prefixes) {
    for (const [prefix, ns] of Object.entries(prefixes)) {
      const rest = iri.slice(ns.length);
      if (iri.startsWith(ns) && /^[A-Za-z0-9_-]*$/.test(rest)) return prefix + ":" + rest;
    }
    return null;
  }
  function completer(kind) {
    return {
      name: "tp-" + kind,
      bulk: false,
      persistenceId: () => undefined,
      get: (yasqe, token) =>
        terms().then((all) => {
          const typed = ((token && (token.autocompletionString || token.string)) || "").trim();
          const wanted = expand(typed.replace(/^</, ""), yasqe.getPrefixesFromQuery());
          const lower = typed.toLowerCase();
          return all[kind]
            .filter((t) => t.iri.startsWith(wanted) || localName(t.iri).toLowerCase().startsWith(lower))
            .map((t) => {
              termLabels.set(t.iri, t.label || "");
              return t.iri;
            });
        }),
      postProcessSuggestion: (yasqe, token, iri) => {
        const name = prefixed(iri, yasqe.getPrefixesFromQuery()) || prefixed(iri, ourPrefixes);
        const text = name || "<" + iri + ">";
        termLabels.set(text, termLabels.get(iri) || "");
        return text;
      },
      postprocessHints: (yasqe, hints) =>
        hints.map((h) => {
          const label = termLabels.get(h.text);
          return label ? Object.assign({}, h, { displayText: h.text + " (" + label + ")" }) : h;
        }),
    };
  }
  Yasqe.forkAutocompleter("class", completer("classes"), false);
  Yasqe.forkAutocompleter("property", completer("properties"), false);
  const prefixList = Object.entries(ourPrefixes).map(([p, ns]) => p + ": <" + ns + ">").sort();
  Yasqe.forkAutocompleter(
    "prefixes",
    { name: "tp-prefixes", get: () => prefixList, persistenceId: () => undefined },
    false,
  );
  const active = Yasqe.defaults.autocompleters;
  active.splice(0, active.length, "variables", "tp-prefixes", "tp-properties", "tp-classes");

  // --- the results table: labels and local links ----------------------------------------
  const labels = new Map();
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }
  function localPath(iri) {
    return iri.startsWith(idBase) && iri.length > idBase.length ? "/id/" + iri.slice(idBase.length) : null;
  }
  function fetchLabels(yasr) {
    const bindings = (yasr.results && yasr.results.getBindings()) || [];
    const wanted = new Set();
    for (const row of bindings) {
      for (const term of Object.values(row)) {
        const iri = term && term.type === "uri" ? term.value : null;
        if (iri && localPath(iri) && !labels.has(iri) && /^[^\s<>"{}|^`\\]+$/.test(iri)) wanted.add(iri);
      }
    }
    const iris = Array.from(wanted).slice(0, 1000);
    if (!iris.length) return Promise.resolve();
    iris.forEach((iri) => labels.set(iri, null));
    const query =
      "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "SELECT ?s (MIN(STR(?l)) AS ?label) WHERE { VALUES ?s { " +
      iris.map((iri) => "<" + iri + ">").join(" ") +
      " } ?s rdfs:label|skos:prefLabel ?l } GROUP BY ?s";
    return fetch(endpoint, {
      method: "POST",
      body: new URLSearchParams({ query: query }),
      headers: { Accept: "application/sparql-results+json" },
    })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        for (const b of (data && data.results.bindings) || []) {
          if (b.label) labels.set(b.s.value, b.label.value);
        }
      })
      .catch(() => {});
  }
  const Table = Yasr.plugins.table;
  class LabelledTable extends Table {
    draw(persistentConfig) {
      return fetchLabels(this.yasr).then(() => super.draw(persistentConfig));
    }
    getUriLinkFromBinding(binding, prefixes) {
      const iri = binding.value;
      const local = localPath(iri);
      const text = labels.get(iri) || prefixed(iri, prefixes || {}) || prefixed(iri, ourPrefixes) || iri;
      const target = local ? "" : " target='_blank' rel='noopener noreferrer'";
      return (
        "<a class='iri' href='" + escapeHtml(local || iri) + "' title='" + escapeHtml(iri) + "'" +
        target + ">" + escapeHtml(text) + "</a>"
      );
    }
  }
  Yasr.registerPlugin("table", LabelledTable);
  // Our errors are one JSON shape: show its status and message, as the plain form does.
  Yasr.defaults.errorRenderers = [
    (error) => {
      let shown = null;
      try {
        const found = JSON.parse(error.text || "").error;
        if (found && found.message) shown = "Error " + found.status + ": " + found.message;
      } catch (_) {
        shown = null;
      }
      if (!shown) return Promise.resolve(undefined);
      const message = document.createElement("p");
      message.className = "error query-error";
      message.setAttribute("role", "alert");
      message.textContent = shown;
      return Promise.resolve(message);
    },
  ];

  // --- the editor ---------------------------------------------------------------------
  document.getElementById("query-form").hidden = true;
  const served = document.getElementById("server-result");
  if (served) served.remove();
  holder.hidden = false;
  document.getElementById("editor-keys").hidden = false;
  const yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderGraph: "text/turtle,*/*;q=0.9" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    autofocus: false,
    tabName: config.title || "Query",
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    yasqe: { value: config.query },
    yasr: { prefixes: ourPrefixes },
  });
  function ourEndpoint(tab) {
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }
  yasgui.on("tabSelect", (_y, id) => setTimeout(() => ourEndpoint(yasgui.getTab(id)), 0));
  yasgui.on("tabAdd", (_y, id) => setTimeout(() => ourEndpoint(yasgui.getTab(id)), 0));
  yasgui.on("queryBefore", (_y, tab) => ourEndpoint(tab));
  // Tab and Shift-Tab move the focus out of the editor (no keyboard trap); indenting
  // stays on the editor's own keys.
  function releaseTab(tab) {
    const yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.state.tabReleased) return;
    const keys = Object.assign({}, yasqe.getOption("extraKeys"), { Tab: false, "Shift-Tab": false });
    yasqe.setOption("extraKeys", keys);
    yasqe.state.tabReleased = true;
  }
  releaseTab(yasgui.getTab());
  yasgui.on("tabSelect", (_y, id) => setTimeout(() => releaseTab(yasgui.getTab(id)), 0));
  yasgui.on("tabAdd", (_y, id) => setTimeout(() => releaseTab(yasgui.getTab(id)), 0));

  // --- downloads follow the editor's query ----------------------------------------------
  const bar = document.getElementById("downloads");
  function updateDownloads() {
    const tab = yasgui.getTab();
    const yasqe = tab && tab.getYasqe();
    if (!yasqe) return;
    const type = (yasqe.getQueryType() || "SELECT").toUpperCase();
    const keys = type === "CONSTRUCT" || type === "DESCRIBE" ? config.formats.graph : config.formats.table;
    if (bar.dataset.keys !== keys.join()) {
      bar.textContent = "Download the result: ";
      for (const key of keys) {
        const link = document.createElement("a");
        link.textContent = config.formats.names[key];
        link.download = "result." + config.formats.extensions[key];
        link.dataset.format = key;
        bar.appendChild(link);
      }
      bar.dataset.keys = keys.join();
    }
    for (const link of bar.querySelectorAll("a")) {
      const params = new URLSearchParams({ query: yasqe.getValue(), format: link.dataset.format });
      link.href = config.endpoint + "?" + params;
    }
    bar.hidden = false;
  }
  yasgui.on("query", updateDownloads);
  yasgui.on("tabSelect", () => setTimeout(updateDownloads, 0));
  bar.addEventListener("mousedown", updateDownloads);
  bar.addEventListener("focusin", updateDownloads);

  // --- accessibility of the widgets YASGUI draws ----------------------------------------
  function tidy() {
    for (const input of holder.querySelectorAll(".CodeMirror textarea:not([aria-label])")) {
      input.setAttribute("aria-label", "SPARQL query editor");
    }
    for (const scroller of holder.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])")) {
      scroller.setAttribute("tabindex", "0"); // the long query scrolls: keyboard users can too
    }
    for (const select of holder.querySelectorAll("select.tableSizer:not([aria-label])")) {
      select.setAttribute("aria-label", "Rows per page");
    }
    for (const hints of holder.querySelectorAll(".CodeMirror-hints:not([aria-label])")) {
      hints.setAttribute("aria-label", "Suggestions");
    }
    for (const list of holder.querySelectorAll(".tabsList")) {
      const add = list.querySelector(".addTab"); // a button may not sit in a tab list
      if (!add) continue;
      const row = document.createElement("div");
      row.className = "tabbar";
      list.before(row);
      row.append(list, add);
    }
  }
  new MutationObserver(tidy).observe(holder, { childList: true, subtree: true });
  tidy();

  // --- ?query= and ?example= open a tab with that query ----------------------------------
  let tab = yasgui.getTab();
  if (config.run) {
    tab = yasgui.addTab(
      true,
      { name: config.title || "Query", yasqe: { value: config.query } },
      { avoidDuplicateTabs: true },
    );
    ourEndpoint(tab);
    if (tab.getQuery() !== config.query) tab.setQuery(config.query);
    tab.getYasqe().query().catch(() => {});
  } else {
    ourEndpoint(tab);
  }
  updateDownloads();
  window.kgYasgui = yasgui;
})();
