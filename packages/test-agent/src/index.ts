// @foundry/test-agent: a deterministic scripted ACP agent for sandbox-agent (agent id `pi`).
export { AGENT_NAME, AGENT_VERSION, createTestAgent, TEST_MODELS } from "./agent.ts";
export { AGENT_ENTRY, installLauncher, LAUNCHER_NAME, launcherReadPaths, resolveBunBinary, TEST_AGENT_ID } from "./launcher.ts";
export { REPLAY_PREAMBLE } from "./prompt.ts";
export { COMMANDS, type Command, type CommandHelp, parseLine, parseScript, ScriptSyntaxError } from "./script.ts";
export { SCRIPT_ERROR_CODE } from "./turn.ts";
