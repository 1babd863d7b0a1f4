// One file's diff, rendered by react-diff-view from git's unified text (gutters, hunks, +/− lines).
// Its own chunk: only the changes panel needs it.
import { useMemo } from "react";
import { Diff, Hunk, parseDiff } from "react-diff-view";
import "react-diff-view/style/index.css";

export default function FileDiff({ text, path }: { text: string; path: string }) {
	const parsed = useMemo(() => {
		try {
			return { files: parseDiff(text, { nearbySequences: "zip" }), error: null };
		} catch (err) {
			// Shown, not swallowed: the raw text below, with why it is raw.
			return { files: [], error: err instanceof Error ? err.message : String(err) };
		}
	}, [text]);
	if (text.trim().length === 0) return <p className="text-muted">No differences in {path}.</p>;
	if (parsed.error || parsed.files.length === 0) {
		return (
			<div>
				{parsed.error && <p className="text-xs text-muted">Shown as text ({parsed.error}).</p>}
				<pre className="overflow-auto font-mono text-xs">{text}</pre>
			</div>
		);
	}
	return (
		<>
			{parsed.files.map((file) => (
				<Diff key={`${file.oldRevision}-${file.newRevision}-${file.newPath}`} viewType="unified" diffType={file.type} hunks={file.hunks}>
					{(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
				</Diff>
			))}
		</>
	);
}
