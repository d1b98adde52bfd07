// The playground's tools worker: loads the `tools` wasm (JSON import and export, the trace
// export, the W1 bench), which then answers the page's messages and posts "ready". If the wasm
// cannot be fetched or started, the page hears why ("failed: ..."); if tools.js cannot be
// loaded, importScripts throws and the page sees the worker's error event.
importScripts("./tools.js");
wasm_bindgen("./tools_bg.wasm").catch(function (e) {
  postMessage("failed: " + (e && e.message ? e.message : String(e)));
});
