// A module page's script: the widgets, and nothing else of JupyterLab.
//
// Voila renders the notebook on the server and leaves, for each widget output, a
// <script type="application/vnd.voila.cell-output+json"> placeholder; its own front-end
// then loads JupyterLab (about 930 KB gzipped in some 90 files) to draw them. This
// script does what that front-end does for a Balise page, in one file: it connects to
// the page's kernel (@jupyterlab/services, which also reconnects after a network
// drop), reads the state of every widget from it (ipywidgets' ManagerBase, as Voila's
// and JupyterLab's widget managers do), and draws each widget where its placeholder
// was. The widget classes are ipywidgets' own (@jupyter-widgets/controls) and
// anywidget's, for Balise's widgets. Built by `make frontend` into balise/web/static.
import { amd } from "./define-shim.js";
import "anywidget";
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { CommsOverSubshells, KernelAPI, ServerConnection } from "@jupyterlab/services";
import { KernelConnection } from "@jupyterlab/services/lib/kernel/default";
import { Widget } from "@lumino/widgets";
import "@jupyter-widgets/base/css/index.css";
import "@jupyter-widgets/controls/css/widgets-base.css";
import "./page-base.css";

delete globalThis.define;
const anywidget = amd["@jupyter-widgets/base"](base);
const MODULES = { "@jupyter-widgets/base": base, "@jupyter-widgets/controls": controls, anywidget };
const WIDGET = "application/vnd.jupyter.widget-view+json";

class PageManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this.restoring = false;
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), msg));
  }

  /** After a dropped connection, the kernel's state again (what changed meanwhile). */
  restoreOnReconnect() {
    this.kernel.connectionStatusChanged.connect(async (_, status) => {
      if (status === "connected" && !this.restoring) {
        await this.unblock();
        this.restore();
      }
    });
  }

  /**
   * ipywidgets sends a widget's next change only once the kernel has said it handled
   * the one before (an "idle" status for it); a change given as the connection
   * dropped may never get that answer, and every later change of the same widget
   * then waited for good: the page looked alive and saved nothing more (issue 18,
   * "a websocket dropped mid-answer"). After a reconnection, the wait is ended and
   * what waited is sent, before the widgets' state is read again.
   */
  async unblock() {
    for (const model of await Promise.all(Object.values(this._models))) {
      if (model._pending_msgs > 0) {
        model._pending_msgs = 0;
        const waiting = model._msg_buffer;
        const callbacks = model._msg_buffer_callbacks;
        model._msg_buffer = null;
        model._msg_buffer_callbacks = null;
        if (waiting !== null) {
          model.send_sync_message(waiting, callbacks);
        }
      }
    }
  }

  async restore() {
    this.restoring = true;
    try {
      await this._loadFromKernel();
    } finally {
      this.restoring = false;
    }
  }

  async loadClass(className, moduleName) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`Class ${className} not found in module ${moduleName}`);
    }
    return module[className];
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }
}

async function show(manager, script) {
  const output = JSON.parse(script.textContent);
  const view = output.data && output.data[WIDGET];
  const host = script.parentElement;
  script.remove();
  if (!view) {
    return;
  }
  const model = await manager.get_model(view.model_id);
  const widget = await manager.create_view(model);
  const box = document.createElement("div");
  box.className = "lm-Widget jp-OutputArea-output";
  host.appendChild(box);
  Widget.attach(widget.luminoWidget, box);
}

async function main() {
  const config = JSON.parse(document.getElementById("jupyter-config-data").textContent);
  const serverSettings = ServerConnection.makeSettings({ baseUrl: config.baseUrl });
  // The kernel is asked whether it still exists while the page already connects to it
  // (one round trip less before the widgets: 150 ms on a phone's link). Gone, and the
  // page says so (kernel-gone.js) without waiting for the connection to give up.
  const exists = KernelAPI.getKernelModel(config.kernelId, serverSettings).then((found) => {
    if (!found) {
      throw new Error(`no kernel ${config.kernelId}`);
    }
  });
  const model = { id: config.kernelId, name: "python3" };
  // Comms on the kernel's main shell, as with Voila's own front-end: services 7.4+
  // would open a subshell (a thread of its own in the kernel) per comm target, and a
  // widget's change would no longer be ordered with the rest of the page's messages
  // (balise.web.kernels.drain_shell counts on that order when a page is left).
  const kernel = new KernelConnection({
    model, serverSettings, commsOverSubshells: CommsOverSubshells.Disabled,
  });
  const manager = new PageManager(kernel);
  // Voila's: the page's kernel is shut down when the learner leaves the page.
  window.addEventListener("beforeunload", () => {
    const data = new FormData();
    const xsrf = document.cookie.match("\\b_xsrf=([^;]*)\\b");
    data.append("_xsrf", (xsrf && xsrf[1]) || "");
    navigator.sendBeacon(`${config.baseUrl}voila/api/shutdown/${kernel.id}`, data);
    kernel.dispose();
  });
  await Promise.all([exists, manager.restore()]);
  manager.restoreOnReconnect();
  // The connection gives up after seven tries, or at once when its socket is closed
  // cleanly (a proxy, a phone's network stack): the page would then answer nothing,
  // though the network is back and her kernel alive. Try again when she comes back to
  // the page or touches it; a kernel that is gone is said by kernel-gone.js.
  const again = () => {
    if (kernel.connectionStatus === "disconnected" && kernel.status !== "dead"
        && !kernel.isDisposed && navigator.onLine !== false) {
      kernel.reconnect().catch((error) => console.warn(error));
    }
  };
  window.addEventListener("online", again);
  window.addEventListener("focus", again);
  document.addEventListener("visibilitychange", again);
  document.addEventListener("pointerdown", again, true);
  const scripts = document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]');
  await Promise.all(Array.from(scripts, (s) => show(manager, s).catch((e) => console.error(e))));
}

// The text is shown at once (the template does so before this script arrives); the
// widgets come when the kernel has given their state. A kernel gone before the page
// could reach it (culled, the server restarted) is said plainly by kernel-gone.js.
main().catch((error) => {
  console.error(error);
  if (window.baliseKernelGone) {
    window.baliseKernelGone();
  }
});
