// A labelled native range slider and number box, kept in step with the model's value.
function render({ model, el }) {
  // anywidget loads this module afresh for each widget, so a counter here stays at 1 and
  // two sliders drawn in the same millisecond shared their ids: a random part tells them apart.
  const id = `balise-measure-${Math.random().toString(36).slice(2, 12)}`;
  const box = document.createElement("div");
  box.className = "balise-measure";
  const label = document.createElement("label");
  label.htmlFor = `${id}-range`;
  label.id = `${id}-label`;
  const row = document.createElement("div");
  row.className = "balise-measure-row";
  const range = document.createElement("input");
  range.type = "range";
  range.id = `${id}-range`;
  range.step = "1";
  const number = document.createElement("input");
  number.type = "number";
  number.step = "1";
  number.inputMode = "numeric";
  number.setAttribute("aria-labelledby", `${id}-label`);
  row.append(range, number);
  box.append(label, row);
  el.append(box);

  const show = () => {
    label.textContent = model.get("description");
    for (const input of [range, number]) {
      input.min = String(model.get("min"));
      input.max = String(model.get("max"));
    }
    const value = String(model.get("value"));
    if (range.value !== value) range.value = value;
    if (document.activeElement !== number || number.value === "") number.value = value;
    range.setAttribute("aria-valuetext", `${value}`);
  };
  const send = (text) => {
    const value = parseInt(text, 10);
    if (Number.isNaN(value)) return;
    model.set("value", value);
    model.save_changes();
  };
  range.addEventListener("input", () => send(range.value));
  number.addEventListener("change", () => send(number.value));
  number.addEventListener("keydown", (event) => {
    if (event.key === "Enter") send(number.value);
  });
  number.addEventListener("blur", () => { number.value = String(model.get("value")); });
  model.on("change:value", show);
  model.on("change:description", show);
  model.on("change:min", show);
  model.on("change:max", show);
  show();
}

export default { render };
