// Approving a CLI login (`foundry login` prints /v1/device?user_code=…, which lands here): the
// signed-in user checks the code against their terminal, then approves or denies it.
import { Check, TerminalSquare, X } from "lucide-react";
import { useState } from "react";
import { account, describeError } from "../lib/foundry.ts";
import { useWhoami } from "../lib/me.ts";
import { Button } from "./ui.tsx";

type Outcome = { kind: "approved" } | { kind: "denied" } | { kind: "error"; code: string; message: string };

export function DeviceApproval({ initialCode }: { initialCode: string }) {
	const me = useWhoami();
	const [code, setCode] = useState(initialCode);
	const [busy, setBusy] = useState(false);
	const [outcome, setOutcome] = useState<Outcome | null>(null);
	const answer = async (choice: "approve" | "deny") => {
		setBusy(true);
		setOutcome(null);
		try {
			await account.auth.answerDevice(code, choice);
			setOutcome({ kind: choice === "approve" ? "approved" : "denied" });
		} catch (err) {
			setOutcome({ kind: "error", ...describeError(err) });
		} finally {
			setBusy(false);
		}
	};
	const done = outcome?.kind === "approved" || outcome?.kind === "denied";
	return (
		<main className="flex h-full items-center justify-center">
			<div className="flex w-96 flex-col gap-4 rounded-lg border border-line p-6">
				<h1 className="flex items-center gap-2 text-xl font-semibold">
					<TerminalSquare size={20} aria-hidden /> Approve a CLI login
				</h1>
				<p className="text-muted">
					Signed in as <strong className="text-fg">{me.data?.login}</strong>. Approve only if this code is the one your terminal shows.
				</p>
				<label className="flex flex-col gap-1">
					<span className="text-sm text-muted">Code from your terminal</span>
					<input
						value={code}
						onChange={(e) => setCode(e.target.value.toUpperCase())}
						disabled={busy || done}
						autoComplete="off"
						spellCheck={false}
						className="rounded border border-line bg-bg px-2 py-1 font-mono text-lg tracking-widest"
					/>
				</label>
				<div className="flex gap-2">
					<Button variant="primary" onClick={() => answer("approve")} disabled={busy || done || code.trim() === ""}>
						<Check size={16} aria-hidden /> Approve
					</Button>
					<Button variant="secondary" onClick={() => answer("deny")} disabled={busy || done || code.trim() === ""}>
						<X size={16} aria-hidden /> Deny
					</Button>
				</div>
				{outcome && (
					<p role={outcome.kind === "error" ? "alert" : "status"} className={outcome.kind === "error" ? "text-danger" : ""} data-testid="device-outcome">
						{outcome.kind === "approved" && "Approved. Return to your terminal."}
						{outcome.kind === "denied" && "Denied. The terminal's login will fail."}
						{outcome.kind === "error" && outcome.message}
					</p>
				)}
			</div>
		</main>
	);
}
