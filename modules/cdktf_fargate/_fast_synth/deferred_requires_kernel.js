"use strict";
// Runs inside the jsii kernel (Node), loaded before the cdktf assembly when the kernel is started
// early (before it loads, it changes nothing).
//
// cdktf 0.21 requires `archiver` (for zipping assets) and `semver` (for checking a provider
// binary's version) as it loads, about 90 ms, and an app without assets or binary checks never
// calls them. cdktf only calls `archiver(...)` and reads `semver.satisfies`, so each is answered
// with a stand-in that requires the real module on first call or property read.

const fs = require("fs");
const Module = require("module");
const path = require("path");

const CDKTF_LIB = path.join("node_modules", "cdktf", "lib") + path.sep;
const CDKTF_VERSION = "0.21.0";
const DEFERRED = new Set(["archiver", "semver"]);

function isSupportedCdktf(libFile) {
  try {
    const modules = libFile.slice(0, libFile.lastIndexOf(CDKTF_LIB));
    const manifest = path.join(modules, "node_modules", "cdktf", "package.json");
    return JSON.parse(fs.readFileSync(manifest, "utf-8")).version === CDKTF_VERSION;
  } catch {
    return false;
  }
}

function onFirstUse(load) {
  let loaded;
  const real = () => (loaded ??= load());
  return new Proxy(function deferred() {}, {
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    get: (_, key) => Reflect.get(real(), key),
  });
}

let cdktfSupported;
const originalLoad = Module._load;
Module._load = function loadWithDeferredRequires(request, parent, isMain) {
  if (DEFERRED.has(request) && parent?.filename?.includes(CDKTF_LIB)) {
    cdktfSupported ??= isSupportedCdktf(parent.filename);
    if (cdktfSupported) {
      return onFirstUse(() => originalLoad.call(this, request, parent, isMain));
    }
  }
  return originalLoad.apply(this, arguments);
};
