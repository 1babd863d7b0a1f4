// Agent text as markdown (GFM) with highlighted code blocks. Its own chunk: the parser and the
// highlight.js grammars are most of the UI's weight, and only a transcript needs them.
import Markdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";

const REMARK = [remarkGfm];
// A fence without a language is left plain (no guessing).
const REHYPE = [[rehypeHighlight, { detect: false }]] as NonNullable<Parameters<typeof Markdown>[0]["rehypePlugins"]>;

export default function MarkdownText({ text }: { text: string }) {
	return (
		<Markdown remarkPlugins={REMARK} rehypePlugins={REHYPE}>
			{text}
		</Markdown>
	);
}
