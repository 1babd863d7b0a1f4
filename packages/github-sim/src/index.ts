// @foundry/github-sim: a local, protocol-faithful GitHub (work in progress, see README.md here).
export const GITHUB_SIM_VERSION = "0.1.0";
