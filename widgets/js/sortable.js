// SortableRow: one row of a list the learner reorders by dragging.
//
// Rows that share a `group` form one list. A row dragged with the mouse (from
// anywhere on it) or a finger or pen (from its grip, so the page still
// scrolls elsewhere) and dropped on another row sends {event: "drop", to: n},
// n being the position of the row it landed on; Python moves the step and
// rewrites every row. Pointer events only, so mouse, touch and pen share one
// path. The keyboard path is the Move up / Move down buttons beside the row.

const THRESHOLD = 4; // px a pointer moves before a press becomes a drag

function render({ model, el }) {
  const row = document.createElement("div");
  row.className = "balise-sortable-row";
  const grip = document.createElement("span");
  grip.className = "balise-grip";
  grip.setAttribute("aria-hidden", "true");
  grip.textContent = "⠿";
  const body = document.createElement("div");
  body.className = "balise-sortable-body";
  row.append(grip, body);
  el.append(row);

  const draw = () => {
    body.innerHTML = model.get("value");
    row.dataset.sortGroup = model.get("group");
    row.dataset.sortPosition = String(model.get("position"));
  };

  const rows = () =>
    [...document.querySelectorAll(".balise-sortable-row")].filter(
      (other) => other.dataset.sortGroup === row.dataset.sortGroup);

  // The row of the same list under the pointer, the dragged row aside.
  const landing = (event) => {
    for (const node of document.elementsFromPoint(event.clientX, event.clientY)) {
      const other = node.closest && node.closest(".balise-sortable-row");
      if (other && other !== row && other.dataset.sortGroup === row.dataset.sortGroup) {
        return other;
      }
    }
    return null;
  };

  const unmark = () => rows().forEach((other) =>
    other.classList.remove("balise-drop-above", "balise-drop-below"));

  let drag = null;

  // A copy of the row follows the pointer, above the page: the row itself
  // stays in place (its box clips what overflows it) and shows where it was.
  const lift = () => {
    const box = row.getBoundingClientRect();
    const ghost = row.cloneNode(true);
    ghost.classList.add("balise-drag-ghost");
    ghost.setAttribute("aria-hidden", "true");
    delete ghost.dataset.sortGroup;
    Object.assign(ghost.style, { left: `${box.left}px`, top: `${box.top}px`,
                                 width: `${box.width}px` });
    document.body.append(ghost);
    row.classList.add("balise-dragging");
    return ghost;
  };

  const reset = () => {
    if (drag && row.hasPointerCapture(drag.pointer)) row.releasePointerCapture(drag.pointer);
    if (drag && drag.ghost) drag.ghost.remove();
    drag = null;
    row.classList.remove("balise-dragging");
    unmark();
  };

  const down = (event) => {
    if (event.button !== 0 || (event.pointerType !== "mouse" && !grip.contains(event.target))) {
      return;
    }
    drag = { pointer: event.pointerId, x: event.clientX, y: event.clientY, ghost: null };
    row.setPointerCapture(event.pointerId);
  };

  const move = (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.ghost && Math.hypot(dx, dy) < THRESHOLD) return;
    if (!drag.ghost) drag.ghost = lift();
    event.preventDefault();
    drag.ghost.style.transform = `translate(${dx}px, ${dy}px)`;
    unmark();
    const target = landing(event);
    if (target) {
      const below = Number(target.dataset.sortPosition) > Number(row.dataset.sortPosition);
      target.classList.add(below ? "balise-drop-below" : "balise-drop-above");
    }
  };

  const up = (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const target = drag.ghost ? landing(event) : null;
    reset();
    if (target) model.send({ event: "drop", to: Number(target.dataset.sortPosition) });
  };

  draw();
  model.on("change:value", draw);
  model.on("change:group", draw);
  model.on("change:position", draw);
  row.addEventListener("pointerdown", down);
  row.addEventListener("pointermove", move);
  row.addEventListener("pointerup", up);
  row.addEventListener("pointercancel", reset);
  return () => {
    for (const name of ["change:value", "change:group", "change:position"]) model.off(name, draw);
    reset();
  };
}

export default { render };
