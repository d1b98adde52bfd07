// The Multi-Paxos mode's loader, fetched when the page opens #mode=multi (src/ui/mod.rs adds it):
// the mode's stylesheet and wasm-bindgen's glue (multi.js, which defines wasm_bindgen), then its
// wasm, whose start mounts the mode's app into #app. Its files sit beside this one. A failure
// shows index.html's load-error panel with the reason (paxosFail).
(function () {
  var base = document.currentScript.src;
  var css = document.createElement("link");
  var script = document.createElement("script");
  var left = 2;
  function fail(e) {
    paxosFail(e && e.message ? e.message : String(e));
  }
  function go() {
    if (--left === 0) wasm_bindgen({ module_or_path: new URL("multi_bg.wasm", base) }).catch(fail);
  }
  css.rel = "stylesheet";
  css.href = new URL("multi.css", base);
  script.src = new URL("multi.js", base);
  css.onload = script.onload = go;
  css.onerror = script.onerror = function () {
    fail("Could not load " + (this.href || this.src) + ".");
  };
  document.head.append(css, script);
})();
