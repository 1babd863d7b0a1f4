// "New task": repository, prompt, agent and model from the live catalog, optional branch.
import type { OrganizationSnapshot } from "@foundry/client";
import * as Dialog from "@radix-ui/react-dialog";
import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { clientFor, describeError } from "../lib/foundry.ts";
import { Button } from "./ui.tsx";

const field = "rounded-md border border-line bg-bg px-2 py-1";

export function NewTaskDialog({ orgId, snapshot, open, onOpenChange }: { orgId: string; snapshot: OrganizationSnapshot | undefined; open: boolean; onOpenChange: (open: boolean) => void }) {
	const navigate = useNavigate();
	const agents = useQuery({ queryKey: ["agents", orgId], queryFn: () => clientFor(orgId).agents.list(), enabled: open, staleTime: 60_000 });
	const repos = snapshot?.repos ?? [];
	const [repo, setRepo] = useState("");
	const [prompt, setPrompt] = useState("");
	const [agent, setAgent] = useState("");
	const [model, setModel] = useState("");
	const [branch, setBranch] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	// One id per dialog opening: a double submit or a retry returns the same task.
	const [requestId, setRequestId] = useState(() => crypto.randomUUID());

	useEffect(() => {
		if (!open) return;
		setRequestId(crypto.randomUUID());
		setError(null);
		if (!repo && repos[0]) setRepo(repos[0].id);
	}, [open, repo, repos]);

	const installed = (agents.data ?? []).filter((a) => a.installed);
	const models = installed.find((a) => a.id === agent)?.models ?? [];

	const submit = async () => {
		setBusy(true);
		setError(null);
		try {
			const task = await clientFor(orgId).tasks.create({
				repo,
				prompt,
				requestId,
				...(branch.trim() ? { branch: branch.trim() } : {}),
				...(agent ? { agent } : {}),
				...(model ? { model } : {}),
			});
			onOpenChange(false);
			setPrompt("");
			setBranch("");
			await navigate({ to: "/$orgId/tasks/$taskId", params: { orgId, taskId: task.id } });
		} catch (err) {
			const { code, message } = describeError(err);
			setError(`${code}: ${message}`);
		} finally {
			setBusy(false);
		}
	};

	return (
		<Dialog.Root open={open} onOpenChange={onOpenChange}>
			<Dialog.Portal>
				<Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
				<Dialog.Content className="fixed top-24 left-1/2 z-50 flex w-[560px] max-w-[95vw] -translate-x-1/2 flex-col gap-3 rounded-lg border border-line bg-bg p-5 shadow-xl">
					<Dialog.Title className="text-lg font-semibold">New task</Dialog.Title>
					<Dialog.Description className="text-muted">An agent works on a new branch in a sandbox; you watch, steer and ship it.</Dialog.Description>
					<form
						className="flex flex-col gap-3"
						onSubmit={(e) => {
							e.preventDefault();
							void submit();
						}}
					>
						<label className="flex flex-col gap-1">
							Repository
							<select className={field} value={repo} onChange={(e) => setRepo(e.target.value)} required>
								{repos.map((r) => (
									<option key={r.id} value={r.id}>
										{r.name}
									</option>
								))}
							</select>
						</label>
						<label className="flex flex-col gap-1">
							Prompt
							<textarea
								className={`${field} min-h-28 font-mono`}
								value={prompt}
								onChange={(e) => setPrompt(e.target.value)}
								onKeyDown={(e) => {
									if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
										e.preventDefault();
										void submit();
									}
								}}
								placeholder="What should the agent do?"
								required
							/>
						</label>
						<div className="grid grid-cols-3 gap-2">
							<label className="flex flex-col gap-1">
								Agent
								<select className={field} value={agent} onChange={(e) => {
										setAgent(e.target.value);
										setModel("");
									}}>
									<option value="">default</option>
									{installed.map((a) => (
										<option key={a.id} value={a.id}>
											{a.id}
											{a.scripted ? " (scripted)" : ""}
										</option>
									))}
								</select>
							</label>
							<label className="flex flex-col gap-1">
								Model
								<select className={field} value={model} onChange={(e) => setModel(e.target.value)} disabled={models.length === 0}>
									<option value="">default</option>
									{models.map((m) => (
										<option key={m} value={m}>
											{m}
										</option>
									))}
								</select>
							</label>
							<label className="flex flex-col gap-1">
								Branch (optional)
								<input className={`${field} font-mono`} value={branch} onChange={(e) => setBranch(e.target.value)} placeholder="auto" />
							</label>
						</div>
						{error && (
							<p role="alert" className="text-danger">
								{error}
							</p>
						)}
						<div className="flex justify-end gap-2">
							<Dialog.Close asChild>
								<Button>Cancel</Button>
							</Dialog.Close>
							<Button type="submit" variant="primary" disabled={busy || !repo || prompt.trim().length === 0}>
								{busy ? "Creating…" : "Create task"} <kbd className="text-xs opacity-75">⌘↵</kbd>
							</Button>
						</div>
					</form>
				</Dialog.Content>
			</Dialog.Portal>
		</Dialog.Root>
	);
}
