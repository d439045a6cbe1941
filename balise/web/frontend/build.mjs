// Builds a module page's script and styles: `npm run frontend` (make frontend) writes
// balise/web/static/page.js and page.css; `node build.mjs <folder>` writes them there
// (tests/balise/test_frontend.py compares the two).
//
// One change is made to ipywidgets on the way. Its manager asks the kernel for every
// widget's state in one message, and gives the kernel 4 s to answer before it falls
// back to asking widget by widget. On a phone's link (1.6 Mbps) the answer for a
// module of 500 widgets takes longer than 4 s to arrive; the fallback then asked
// again, one request per widget, for the same state and more (culture: 546 requests,
// 2.5 MB, 21 s before the first widget could be used). Under load the kernel's answer
// can also take over 4 s, and 500 requests a page is what a busy server least needs.
// So the wait is CONTROL_TIMEOUT_MS: the answer is waited for, and a kernel that is
// gone is said by kernel-gone.js, not by this timer.
import { readFile } from "node:fs/promises";
import * as esbuild from "esbuild";

const CONTROL_TIMEOUT_MS = 120000;
const STOCK = "export const CONTROL_COMM_TIMEOUT = 4000;";
const out = process.argv[2] || "balise/web/static";

const controlTimeout = {
  name: "control-comm-timeout",
  setup(build) {
    build.onLoad({ filter: /base-manager[\\/]lib[\\/]manager-base\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes(STOCK)) {
        throw new Error(`${args.path}: "${STOCK}" not found (a new ipywidgets?): ` +
                        "check how it waits for the kernel's states, then change build.mjs");
      }
      return {
        contents: text.replace(STOCK, `export const CONTROL_COMM_TIMEOUT = ${CONTROL_TIMEOUT_MS};`),
        loader: "js",
      };
    });
  },
};

await esbuild.build({
  entryPoints: ["balise/web/frontend/page.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  loader: { ".svg": "dataurl", ".woff": "empty", ".woff2": "empty", ".ttf": "empty", ".eot": "empty" },
  outfile: `${out}/page.js`,
  plugins: [controlTimeout],
  logLevel: "warning",
});
