/* The trainer's pages: a select that decides what the page shows (a team, a person)
   shows it at once, with no "Show" step to forget.

   The page is asked again from the address a GET of the form would open (the
   fields named in the select's data-keep), and the part named by its data-swap is
   put in place of the old one: focus stays on the select, what was typed stays,
   and the address follows (a reload shows the same). The new part's data-said is
   read out by the page's status line. Without JavaScript the form's "Show" button
   does the same, and Save never records for a list that was not shown (the
   server compares the team or person picked with the one shown). */
(() => {
  "use strict";
  // The "Show" buttons go (not merely hidden: Enter in a form presses its first button,
  // which must then be Save).
  for (const button of document.querySelectorAll(".no-script")) button.remove();
  const status = document.getElementById("shown-status");

  async function show(select) {
    const form = select.form;
    const query = new URLSearchParams();
    for (const name of (select.dataset.keep || select.name).split(" ")) {
      const field = form.elements.namedItem(name);
      if (field && field.value) query.set(name, field.value);
    }
    const address = `${form.getAttribute("action") || location.pathname}?${query}`;
    const part = document.getElementById(select.dataset.swap);
    part.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch(address, {credentials: "same-origin"});
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const fresh = page.getElementById(select.dataset.swap);
      if (!fresh) throw new Error(`#${select.dataset.swap} missing`);
      part.replaceWith(document.adoptNode(fresh));
      history.replaceState(null, "", address);
      if (status) status.textContent = fresh.dataset.said || "";
    } catch (err) {
      location.assign(address);           // the whole page, as without JavaScript
    }
  }

  for (const select of document.querySelectorAll("select[data-swap]")) {
    select.addEventListener("change", () => show(select));
  }
})();
