// A module page whose kernel is gone says so, and offers to reload.
//
// The server shuts down the kernel of a page left without a connection for a while
// (c.MappingKernelManager.cull_idle_timeout in jupyter_config.py): a phone put to
// sleep, a laptop closed. Coming back, the page looks the same but its widgets no
// longer answer. When the learner returns to the page (it is shown again, gets the
// focus, the network comes back) or touches it, the page asks the server whether its
// kernel is still hers; if not (or her sign-in has ended), a plain message replaces
// the silence. A kernel that dies while she is on the page (killed, out of memory) is
// not restarted (balise/web/kernels.py): the server sends the page the kernel status
// "dead", seen here on the kernel's websocket, and the message comes at once.
// Included by Balise's Voila template (templates/balise/index.html.j2), before Voila's
// page opens its websocket.
(function () {
  "use strict";
  var TEXT = "Cette page s'est arrêtée après une longue absence : rechargez-la pour " +
    "continuer. / This page stopped after a long time away: reload it to go on.";
  var STOPPED = "Cette page s'est arrêtée : rechargez-la pour continuer. / " +
    "This page stopped: reload it to go on.";
  var BUTTON = "Recharger / Reload";
  var config = document.getElementById("jupyter-config-data");
  var settings = config ? JSON.parse(config.textContent) : {};
  if (!settings.kernelId) {
    return;
  }
  var url = (settings.baseUrl || "/") + "api/kernels/" + settings.kernelId;
  var last = 0;
  var shown = false;

  function show(message) {
    if (shown) {
      return;
    }
    shown = true;
    var box = document.createElement("div");
    box.className = "balise-kernel-gone";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;padding:1rem;" +
      "background:#fff3cd;color:#1a1a1a;border-bottom:3px solid #8a6d00;" +
      "font:1rem/1.4 system-ui,sans-serif;display:flex;flex-wrap:wrap;gap:.75rem;" +
      "align-items:center";
    var text = document.createElement("p");
    text.style.margin = "0";
    text.style.flex = "1 1 16rem";
    text.textContent = message || TEXT;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = BUTTON;
    button.style.cssText = "min-height:44px;padding:0 1rem;font:inherit;cursor:pointer";
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    document.body.appendChild(box);
    button.focus();
  }

  function check(event) {
    var now = Date.now();
    if (shown || document.visibilityState === "hidden") {
      return;
    }
    // Touches and keys come often: one look every 10 s at most. Coming back is rare.
    if (event && (event.type === "pointerdown" || event.type === "keydown")) {
      if (now - last < 10000) {
        return;
      }
    }
    last = now;
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      // 404: no such kernel; 403: not hers, which for her own page's kernel means
      // gone (another's id is refused the same way) or her sign-in has ended.
      if (r.status === 404 || r.status === 403) {
        show();
      }
    }, function () { /* server unreachable: the network may come back */ });
  }

  // The kernel's status, read in the server's small frames only (a status message is
  // a few hundred bytes; widget state can be megabytes and is never decoded).
  var DEAD = /"execution_state":\s*"(dead|restarting)"/;
  var decoder = window.TextDecoder ? new TextDecoder() : null;

  function watch(event) {
    var data = event.data;
    if (typeof data !== "string") {
      if (!decoder || !(data instanceof ArrayBuffer) || data.byteLength > 4096) {
        return;
      }
      data = decoder.decode(data);
    }
    if (data.length <= 4096 && data.indexOf("execution_state") !== -1 && DEAD.test(data)) {
      show(STOPPED);
    }
  }

  var Native = window.WebSocket;
  if (Native) {
    var channels = "/api/kernels/" + settings.kernelId + "/channels";
    window.WebSocket = class extends Native {
      constructor(address, protocols) {
        super(address, protocols);
        if (String(address).indexOf(channels) !== -1) {
          this.addEventListener("message", watch);
        }
      }
    };
  }

  // page.js asks when it could not reach the page's kernel at all.
  window.baliseKernelGone = function () { check(); };

  document.addEventListener("visibilitychange", check);
  window.addEventListener("focus", check);
  window.addEventListener("online", check);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {      // back from the browser's page cache, not a fresh load
      check(event);
    }
  });
  document.addEventListener("pointerdown", check, true);
  document.addEventListener("keydown", check, true);
})();
