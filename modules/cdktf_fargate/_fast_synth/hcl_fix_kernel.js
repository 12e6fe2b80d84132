"use strict";
// Runs inside the jsii kernel (Node), before or after the cdktf assembly is loaded.
//
// cdktf 0.21's HCL renderer (`cdktf synth --hcl`) writes every plain attribute of the `terraform`
// block as `0 = "required_version"` (it renders the list of names instead of the names and their
// values), so a stack that requires a Terraform version gives HCL that Terraform rejects. cdktf is
// archived upstream; this replaces the renderer's `renderTerraform` with one that renders the
// blocks as before and the plain attributes as `name = value`. Its callers look it up on the
// module's exports at call time, so replacing the export is enough. If cdktf is not loaded yet,
// the fix is made as soon as it is.

const Module = require("module");
const path = require("path");

const FIXED_VERSION = "0.21.0";
const CDKTF_INDEX = path.join("node_modules", "cdktf", "lib", "index.js");

function fixTerraformBlock(cdktf) {
  const manifest = require(path.join(cdktf, "..", "package.json"));
  if (manifest.version !== FIXED_VERSION) {
    return;
  }
  const render = require(path.join(cdktf, "hcl", "render.js"));
  const blocks = ["required_providers", "backend", "cloud"];
  const original = render.renderTerraform;
  render.renderTerraform = function renderTerraform(terraform) {
    const pick = (keep) => Object.fromEntries(Object.entries(terraform).filter(([name]) => keep(blocks.includes(name))));
    const attributes = render.renderSimpleAttributes(pick((isBlock) => !isBlock));
    const rendered = original(pick((isBlock) => isBlock));
    return attributes ? rendered.replace(/\n}$/, `${attributes}\n}`) : rendered;
  };
}

function fixTerraformBlockSafely(cdktf) {
  try {
    fixTerraformBlock(cdktf);
  } catch (error) {
    process.stderr.write(`cdktf-fargate: cdktf synth --hcl may write an invalid terraform block (${error})\n`);
  }
}

function loadedCdktf() {
  // Not require.resolve: Node would remember that cdktf's package.json is missing, and the kernel could not load cdktf after.
  return Object.keys(require.cache).find((file) => file.endsWith(CDKTF_INDEX));
}

const loaded = loadedCdktf();
if (loaded) {
  fixTerraformBlockSafely(path.dirname(loaded));
} else {
  let fixed = false;
  const originalLoad = Module._load;
  Module._load = function loadThenFixTerraformBlock(request) {
    const result = originalLoad.apply(this, arguments);
    if (!fixed && typeof request === "string" && request.endsWith(CDKTF_INDEX)) {
      fixed = true;
      fixTerraformBlockSafely(path.dirname(request));
    }
    return result;
  };
}
