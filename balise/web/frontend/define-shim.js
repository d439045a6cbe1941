// anywidget's package ends in an AMD call, define(["@jupyter-widgets/base"], factory):
// the factory is kept here, and called with @jupyter-widgets/base by page.js.
export const amd = {};
globalThis.define = (deps, factory) => { amd[deps[0]] = factory; };
