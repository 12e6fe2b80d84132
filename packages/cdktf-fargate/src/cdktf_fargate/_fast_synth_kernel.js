"use strict";
// Runs inside the jsii kernel (Node): loaded before the AWS provider assembly, and before cdktf's
// when the kernel is started early.
//
// The provider's lib/index.js is 2,135 lines of `exports.x = require("./x");`: loading it
// compiles every resource type's JavaScript (about 250 MB) although an app uses a few dozen.
// When the kernel requires that file, this hook answers with an exports object whose
// properties require their submodule on first access instead. The kernel finds a class by
// walking the exports (`closure.vpc.Vpc`), so every type stays reachable and the classes are the
// very same objects: synthesized output is unchanged. Anything unexpected (another provider
// version, another layout of the file) leaves the normal load in place and says so once.
//
// cdktf 0.21 requires `archiver` (for zipping assets) and `semver` (for checking a provider
// binary's version) when it loads, about 90 ms, and an app without assets or binary checks never
// calls them. Each is answered with a stand-in that requires it on first call or property read.
//
// The provider submodules that are loaded are compiled with a cache kept between runs
// (code-cache.js).

const fs = require("fs");
const Module = require("module");
const path = require("path");
const { cacheCompiledCode } = require("./code-cache");

const PACKAGE = "@cdktf/provider-aws";
const SUPPORTED_VERSION = "__SUPPORTED_VERSION__";
const INDEX_SUFFIX = path.join("node_modules", ...PACKAGE.split("/"), "lib", "index.js");
const CDKTF_LIB = path.join("node_modules", "cdktf", "lib") + path.sep;
const CDKTF_VERSION = "0.21.0";
const CDKTF_DEFERRED = new Set(["archiver", "semver"]); // cdktf 0.21 only calls `archiver(...)` and reads `semver.satisfies`
const EXPORT_LINE = /^exports\.([A-Za-z0-9_$]+) = require\("(\.\/[A-Za-z0-9_-]+)"\);$/gm;

function lazyExports(indexPath) {
  const manifest = JSON.parse(fs.readFileSync(path.join(indexPath, "..", "..", "package.json"), "utf-8"));
  if (manifest.version !== SUPPORTED_VERSION) {
    return `${PACKAGE} is ${manifest.version}, fast synth supports ${SUPPORTED_VERSION}`;
  }
  const source = fs.readFileSync(indexPath, "utf-8");
  const submodules = [...source.matchAll(EXPORT_LINE)].map(([, name, request]) => [name, request]);
  if (submodules.length === 0 || submodules.length !== source.split("require(").length - 1) {
    return `${indexPath} is not laid out as fast synth expects`;
  }
  const load = Module.createRequire(indexPath);
  const exports = {};
  Object.defineProperty(exports, "__esModule", { value: true });
  for (const [name, request] of submodules) {
    Object.defineProperty(exports, name, {
      configurable: true,
      enumerable: true,
      get() {
        const submodule = load(request);
        Object.defineProperty(exports, name, { value: submodule, enumerable: true });
        return submodule;
      },
    });
  }
  return exports;
}

function cdktfVersion(libFile) {
  const modules = libFile.slice(0, libFile.lastIndexOf(CDKTF_LIB));
  return JSON.parse(fs.readFileSync(path.join(modules, "node_modules", "cdktf", "package.json"), "utf-8")).version;
}

function onFirstUse(load) {
  let loaded;
  const real = () => (loaded ??= load());
  return new Proxy(function deferred() {}, {
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    get: (_, key) => Reflect.get(real(), key),
  });
}

let providerDone = false;
let cdktfChecked;
const originalLoad = Module._load;
Module._load = function loadWithLazyParts(request, parent, isMain) {
  if (typeof request !== "string") {
    return originalLoad.apply(this, arguments);
  }
  if (CDKTF_DEFERRED.has(request) && parent?.filename?.includes(CDKTF_LIB)) {
    cdktfChecked ??= cdktfVersion(parent.filename) === CDKTF_VERSION;
    if (cdktfChecked) {
      return onFirstUse(() => originalLoad.call(this, request, parent, isMain));
    }
  }
  if (!providerDone && request.endsWith(INDEX_SUFFIX)) {
    providerDone = true; // one provider per kernel
    let result;
    try {
      result = lazyExports(request);
    } catch (error) {
      result = `${error}`;
    }
    if (typeof result !== "string") {
      cacheCompiledCode(path.dirname(request), `provider-aws-${SUPPORTED_VERSION}`);
      if (process.env.CDKTF_FARGATE_FAST_SYNTH_DEBUG) {
        process.stderr.write(`cdktf-fargate: ${Object.keys(result).length} provider submodules load on first use\n`);
      }
      return result;
    }
    process.stderr.write(`cdktf-fargate: fast synth is off for this run (${result}); loading the whole AWS provider\n`);
  }
  return originalLoad.apply(this, arguments);
};
