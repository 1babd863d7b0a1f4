// The sign-in screen: one button, GitHub's page (the simulator's under `pnpm dev`), then back here.
import { LogIn } from "lucide-react";
import { useState } from "react";
import { account, describeError } from "../lib/foundry.ts";
import { Button } from "./ui.tsx";

export function SignIn({ next = "/" }: { next?: string }) {
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const start = async () => {
		setBusy(true);
		setError(null);
		try {
			window.location.href = await account.auth.signInUrl(next);
		} catch (err) {
			setError(describeError(err).message);
			setBusy(false);
		}
	};
	return (
		<main className="flex h-full items-center justify-center">
			<div className="flex w-80 flex-col gap-4 rounded-lg border border-line p-6">
				<h1 className="text-xl font-semibold">Sign in to Foundry</h1>
				<p className="text-muted">Run coding agents on your team's repositories, together.</p>
				<Button variant="primary" onClick={start} disabled={busy} className="justify-center py-2">
					<LogIn size={16} aria-hidden /> Sign in with GitHub
				</Button>
				{error && (
					<p role="alert" className="text-danger">
						{error}
					</p>
				)}
			</div>
		</main>
	);
}
