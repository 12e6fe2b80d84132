"use strict";
// Runs inside the jsii kernel (Node), loaded before the AWS provider assembly.
//
// The provider's lib/index.js is 2,135 lines of `exports.x = require("./x");`: loading it
// compiles every resource type's JavaScript (about 250 MB) although an app uses a few dozen.
// When the kernel requires that file, this hook answers with an exports object whose
// properties require their submodule on first access instead. The kernel finds a class by
// walking the exports (`closure.vpc.Vpc`), so every type stays reachable and the classes are the
// very same objects: synthesized output is unchanged. Anything unexpected (another provider
// version, another layout of the file) leaves the normal load in place and says so once.
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

let providerDone = false;
const originalLoad = Module._load;
Module._load = function loadWithLazyProviderIndex(request) {
  if (!providerDone && typeof request === "string" && request.endsWith(INDEX_SUFFIX)) {
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
