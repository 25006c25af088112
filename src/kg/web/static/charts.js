// Redraw each server-drawn chart with vega-embed (tooltips, export menu). Its spec comes from
// this server; the export menu keeps only the image downloads, never a link to another host.
(function () {
  "use strict";
  const options = {
    renderer: "svg",
    actions: {export: true, source: false, compiled: false, editor: false},
  };
  async function draw(box) {
    const fallback = Array.from(box.childNodes);
    try {
      const response = await fetch(box.dataset.spec, {headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error("spec answered " + response.status);
      const spec = await response.json();
      const target = document.createElement("div");
      box.replaceChildren(target);
      await vegaEmbed(target, spec, options);
      target.querySelectorAll("details > summary").forEach((menu) => {
        menu.setAttribute("aria-label", "Save this chart as an image");
      });
      box.dataset.drawn = "browser";
    } catch (err) {
      box.replaceChildren(...fallback);
      box.dataset.drawn = "server";
    }
  }
  if (typeof vegaEmbed === "function") {
    document.querySelectorAll("[data-spec]").forEach(draw);
  }
})();
