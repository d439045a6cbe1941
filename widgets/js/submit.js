// SubmitButton: the quiz's "Submit" button, carrying the answers the page shows.
//
// ipywidgets holds back a widget's state update while earlier ones await the
// kernel, but sends a button click at once: a click made soon after the last
// choice could reach the kernel before that choice. So the click itself says
// which option of each question is checked on the page, as its position in
// the question's list; Python maps positions to option ids.

function checkedOptions() {
  const answers = {};
  for (const group of document.querySelectorAll('.balise-quiz [class*="balise-question-"]')) {
    const name = [...group.classList].find((c) => c.startsWith("balise-question-"));
    const radios = [...group.querySelectorAll('input[type="radio"]')];
    const index = radios.findIndex((r) => r.checked);
    if (name && index >= 0) answers[name.slice("balise-question-".length)] = index;
  }
  return answers;
}

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "balise-submit";
  const draw = () => {
    button.textContent = model.get("label");
    button.disabled = model.get("disabled");
  };
  button.addEventListener("click", () => {
    model.send({ event: "submit", answers: checkedOptions() });
  });
  model.on("change:label", draw);
  model.on("change:disabled", draw);
  draw();
  el.append(button);
}

export default { render };
