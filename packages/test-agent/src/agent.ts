// The ACP agent (v1, stable): sessions, the model config option, prompt turns and cancellation.
import { randomUUID } from "node:crypto";
import { agent, methods, RequestError } from "@agentclientprotocol/sdk";
import type { AgentApp, SessionConfigOption, SessionUpdate } from "@agentclientprotocol/sdk";
import { promptToScript } from "./prompt.ts";
import { parseScript, ScriptSyntaxError } from "./script.ts";
import { runTurn } from "./turn.ts";

export const AGENT_NAME = "foundry-test-agent";
export const AGENT_VERSION = "0.1.0";
/** Models the agent offers through the ACP `model` config option (first is the default). */
export const TEST_MODELS = ["test-model-a", "test-model-b"] as const;

interface SessionState {
	cwd: string;
	model: string;
	toolCalls: number;
	turn: AbortController | null;
}

function modelOption(current: string): SessionConfigOption {
	return {
		id: "model",
		name: "Model",
		category: "model",
		type: "select",
		currentValue: current,
		options: TEST_MODELS.map((value) => ({ value, name: value })),
	};
}

export function createTestAgent(): AgentApp {
	const sessions = new Map<string, SessionState>();
	const sessionOf = (sessionId: string): SessionState => {
		const state = sessions.get(sessionId);
		if (!state) throw RequestError.resourceNotFound(sessionId);
		return state;
	};

	return agent({ name: AGENT_NAME })
		.onRequest(methods.agent.initialize, () => ({
			protocolVersion: 1,
			agentCapabilities: { loadSession: false },
			agentInfo: { name: AGENT_NAME, version: AGENT_VERSION },
			authMethods: [],
		}))
		.onRequest(methods.agent.session.new, ({ params }) => {
			const sessionId = randomUUID();
			const model = TEST_MODELS[0];
			sessions.set(sessionId, { cwd: params.cwd, model, toolCalls: 0, turn: null });
			return { sessionId, configOptions: [modelOption(model)] };
		})
		.onRequest(methods.agent.session.setConfigOption, ({ params }) => {
			const state = sessionOf(params.sessionId);
			const value = String(params.value);
			if (params.configId !== "model" || !TEST_MODELS.some((m) => m === value)) {
				throw RequestError.invalidParams(params, `unknown config option ${params.configId}=${value}`);
			}
			state.model = value;
			return { configOptions: [modelOption(value)] };
		})
		.onRequest(methods.agent.session.prompt, async ({ params, client, signal }) => {
			const state = sessionOf(params.sessionId);
			if (state.turn) throw RequestError.invalidRequest(undefined, "a prompt turn is already running");
			const { text, replayedEvents } = promptToScript(params.prompt);
			const update = (u: SessionUpdate) =>
				client.notify(methods.client.session.update, { sessionId: params.sessionId, update: u });
			let commands: ReturnType<typeof parseScript>;
			try {
				commands = parseScript(text);
			} catch (error) {
				if (error instanceof ScriptSyntaxError) throw RequestError.invalidParams({ line: error.line }, error.message);
				throw error;
			}
			const turn = new AbortController();
			state.turn = turn;
			// `$/cancel_request` for this request (or the connection closing) cancels the turn too.
			signal.addEventListener("abort", () => turn.abort(), { once: true });
			try {
				if (replayedEvents !== null) {
					await update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: `history: ${replayedEvents} events` } });
				}
				const stopReason = await runTurn(
					{
						sessionId: params.sessionId,
						cwd: state.cwd,
						signal: turn.signal,
						update,
						requestPermission: (request) => client.request(methods.client.session.requestPermission, request),
						nextToolCallId: () => `call_${++state.toolCalls}`,
					},
					commands,
				);
				return { stopReason };
			} finally {
				state.turn = null;
			}
		})
		.onNotification(methods.agent.session.cancel, ({ params }) => {
			sessions.get(params.sessionId)?.turn?.abort();
		});
}
