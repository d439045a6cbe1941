// BrowserVoice: a text said by the browser's own voices (speechSynthesis), for a
// Listen button whose text Balise has no recording of.
//
// The kernel sets `parts` ([text, "fr-FR" | "en-GB"], in the page's order) and
// counts `said` up on each click; every count says the parts again, from the
// start. Where the browser has no speech, or its speech fails, the widget
// writes `unavailable` ("No recording for this text") instead.

function voiceFor(synth, lang) {
  const voices = synth.getVoices();
  const wanted = lang.toLowerCase();
  const prefix = wanted.slice(0, 2);
  const tag = (v) => (v.lang || "").replace("_", "-").toLowerCase();
  return voices.find((v) => tag(v) === wanted) || voices.find((v) => tag(v).startsWith(prefix));
}

function render({ model, el }) {
  const note = document.createElement("p");
  note.setAttribute("role", "status");
  note.className = "balise-no-recording";
  const unavailable = () => {
    note.textContent = model.get("unavailable");
  };
  const speak = () => {
    const synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      unavailable();
      return;
    }
    synth.cancel();
    note.textContent = "";
    for (const [text, lang] of model.get("parts")) {
      const utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      const voice = voiceFor(synth, lang);
      if (voice) utterance.voice = voice;
      utterance.addEventListener("error", (event) => {
        // A new click cancels what is being said: that is no failure.
        if (event.error !== "canceled" && event.error !== "interrupted") unavailable();
      });
      synth.speak(utterance);
    }
  };
  model.on("change:said", speak);
  el.append(note);
  speak();
  return () => {
    model.off("change:said", speak);
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  };
}

export default { render };
