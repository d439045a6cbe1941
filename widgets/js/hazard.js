// SceneMap: a picture with zones the learner marks by click, tap, Enter or Space.
//
// The picture is the course's SVG markup, drawn at the page's width (up to
// 640 px); each zone is a real <button> laid over it, placed in percent of the
// picture's viewBox so it follows any size. A marked zone gets a thick border
// and a "✔ n" badge: the state never rests on colour alone.

const DEFAULT_BOX = { x: 0, y: 0, width: 640, height: 400 };

// The course's SVG, without what could run code: it is shown, never executed.
function picture(markup) {
  const doc = new DOMParser().parseFromString(markup || "", "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) {
    return null;
  }
  svg.querySelectorAll("script, foreignObject").forEach((node) => node.remove());
  for (const node of [svg, ...svg.querySelectorAll("*")]) {
    for (const attr of [...node.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || (name.endsWith("href") && /^\s*javascript:/i.test(attr.value))) {
        node.removeAttribute(attr.name);
      }
    }
  }
  return document.importNode(svg, true);
}

function viewBox(svg) {
  const box = svg.viewBox && svg.viewBox.baseVal;
  if (box && box.width > 0 && box.height > 0) return box;
  const width = parseFloat(svg.getAttribute("width")) || DEFAULT_BOX.width;
  const height = parseFloat(svg.getAttribute("height")) || DEFAULT_BOX.height;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return { x: 0, y: 0, width, height };
}

function percent(value) {
  return `${Math.round(value * 10000) / 100}%`;
}

function render({ model, el }) {
  const scene = document.createElement("div");
  scene.className = "balise-scene";
  scene.setAttribute("role", "group");
  const art = document.createElement("div");
  art.className = "balise-scene-picture";
  art.setAttribute("role", "img");
  const layer = document.createElement("div");
  layer.className = "balise-scene-zones";
  scene.append(art, layer);
  el.append(scene);

  const toggle = (id) => {
    const found = new Set(model.get("found"));
    found.has(id) ? found.delete(id) : found.add(id);
    const order = model.get("zones").map((zone) => zone.id);
    model.set("found", order.filter((zoneId) => found.has(zoneId)));
    model.save_changes();
  };

  const mark = () => {
    const found = new Set(model.get("found"));
    layer.querySelectorAll("button").forEach((button) => {
      const on = found.has(button.dataset.zone);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("balise-found", on);
      button.querySelector(".balise-map-badge").textContent =
        on ? `✔ ${button.dataset.number}` : button.dataset.number;
    });
  };

  const draw = () => {
    const svg = picture(model.get("svg"));
    art.replaceChildren();
    layer.replaceChildren();
    scene.setAttribute("aria-label", model.get("label"));
    art.setAttribute("aria-label", model.get("alt"));
    if (!svg) return;
    const box = viewBox(svg);
    // The zones' buttons carry the names; the drawing itself is one image, as wide as the page.
    for (const name of ["role", "aria-label", "aria-labelledby", "width", "height"]) {
      svg.removeAttribute(name);
    }
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    art.append(svg);
    model.get("zones").forEach((zone, n) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "balise-map-zone";
      button.dataset.zone = zone.id;
      button.dataset.number = String(n + 1);
      button.setAttribute("aria-label", `${n + 1}. ${zone.label}`);
      button.title = zone.label;
      button.style.left = percent((zone.x - box.x + zone.width / 2) / box.width);
      button.style.top = percent((zone.y - box.y + zone.height / 2) / box.height);
      button.style.width = percent(zone.width / box.width);
      button.style.height = percent(zone.height / box.height);
      const badge = document.createElement("span");
      badge.className = "balise-map-badge";
      badge.setAttribute("aria-hidden", "true");
      button.append(badge);
      button.addEventListener("click", () => toggle(zone.id));
      layer.append(button);
    });
    mark();
  };

  draw();
  const redraw = ["change:svg", "change:zones", "change:alt", "change:label"];
  redraw.forEach((event) => model.on(event, draw));
  model.on("change:found", mark);
  return () => {
    redraw.forEach((event) => model.off(event, draw));
    model.off("change:found", mark);
  };
}

export default { render };
