// RivetKit's browser client (2.3) sends every stateless action as a streamed request body
// (`body: request.body, duplex: "half"`). Chromium streams uploads only over HTTP/2, so on a plain
// HTTP/1.1 origin — http://127.0.0.1:7741, any self-hosted backend without TLS — each such call
// fails with net::ERR_ALPN_NEGOTIATION_FAILED before reaching the server. Browsers using the client
// install this once: stream bodies are read into memory first (action bodies are small and bounded
// by the actor's message size), everything else passes through untouched.

type Fetch = typeof globalThis.fetch;

/** A fetch that buffers ReadableStream request bodies before sending them. */
export function bufferingFetch(inner: Fetch): Fetch {
	return async (input, init) => {
		const body = init?.body;
		if (typeof ReadableStream === "undefined" || !(body instanceof ReadableStream)) return inner(input, init);
		const { duplex: _streamed, ...rest } = init as RequestInit & { duplex?: string };
		return inner(input, { ...rest, body: await new Response(body).arrayBuffer() });
	};
}

let installed = false;

/** Replaces the page's fetch with `bufferingFetch` (idempotent). For browsers only. */
export function installBrowserFetchFix(): void {
	if (installed) return;
	installed = true;
	globalThis.fetch = bufferingFetch(globalThis.fetch.bind(globalThis));
}
