"use strict";
// Runs inside the jsii kernel (Node): keeps V8's compiled code of the AWS provider's submodules
// between runs, as Node 22's module compile cache would.
//
// Compiling the provider submodules an app uses is the largest part of the kernel's own work
// (about 130 ms for the TodoList app). Each one compiled here is compiled with the code V8 made
// for it last time, and its code is stored when the kernel exits. Entries are named by the
// SHA-256 of the source (V8 itself only compares the source's length) and kept per Node version;
// V8 still rejects code made by another V8 or with other flags, and then it is compiled afresh.
// Only entries the current user owns and nobody else can write are used. A cache that cannot be
// read or written only means compiling as usual.

const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const os = require("os");
const path = require("path");
const vm = require("vm");

function cacheRoot() {
  const base = process.env.CDKTF_FARGATE_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "cdktf-fargate");
  return path.join(base, "v8", `${process.version}-${process.arch}`);
}

// What Node gives a module as `require` (v8-compile-cache builds it the same way).
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function readOwnEntry(file) {
  let fd;
  try {
    fd = fs.openSync(file, "r");
    const { uid, mode } = fs.fstatSync(fd);
    if (uid !== process.getuid() || mode & 0o022) {
      return undefined; // someone else's, or writable by others: not code to run
    }
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

function store(file, script) {
  const partial = `${file}.${process.pid}.partial`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(partial, file); // whole or not at all, when two kernels store the same entry
  } catch {
    fs.rmSync(partial, { force: true }); // a cache that cannot be written: the next run compiles as this one did
  }
}

// Compile every module under `libDir` with a cache kept under `name`.
function cacheCompiledCode(libDir, name) {
  const root = path.join(cacheRoot(), name);
  const prefix = libDir + path.sep;
  const unstored = new Map();
  const originalCompile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(prefix)) {
      return originalCompile.call(this, content, filename);
    }
    const cacheFile = path.join(root, `${crypto.createHash("sha256").update(content).digest("hex")}.v8`);
    const cachedData = readOwnEntry(cacheFile);
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) {
      unstored.set(cacheFile, script);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once("exit", () => {
    for (const [file, script] of unstored) {
      store(file, script); // after the run, so the code holds the functions that ran too
    }
  });
}

module.exports = { cacheCompiledCode };
