// The web UI at the backend's own URL (one origin: the session cookie and /v1/rivet work as is).
// Production: the built assets (packages/web/dist), with index.html for every app route. Dev: the
// Vite dev server's responses, proxied, so hot reload works at the same URL.
import { readFile, realpath } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import type { Context } from "hono";
import type { AppEnv } from "./app.ts";

export interface WebUiOptions {
	/** The built UI's directory (null: not built). */
	dir: string | null;
	/** The Vite dev server to proxy to (dev only). */
	devUrl: string | null;
}

const TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
	".json": "application/json",
	".map": "application/json",
	".woff2": "font/woff2",
	".txt": "text/plain; charset=utf-8",
};

/** The built UI's pages: scripts and styles from this origin only; avatars from anywhere. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Foundry</title>
<body style="font:16px system-ui;margin:4rem auto;max-width:36rem"><h1>The web UI is not built</h1>
<p>Run <code>pnpm build</code> (or <code>pnpm dev</code>, which serves it with hot reload). The API is up: <a href="/v1/health">/v1/health</a>.</p></body>`;

export function webUiRoute(opts: WebUiOptions) {
	return async (c: Context<AppEnv>, next: () => Promise<void>) => {
		if (c.req.path.startsWith("/v1/") || c.req.path === "/v1") return next();
		if (opts.devUrl) return proxyToDev(c, opts.devUrl);
		if (!opts.dir) return c.html(NOT_BUILT, 503);
		return serveBuilt(c, opts.dir);
	};
}

async function proxyToDev(c: Context<AppEnv>, devUrl: string): Promise<Response> {
	const url = new URL(c.req.url);
	const res = await fetch(`${devUrl}${url.pathname}${url.search}`, { headers: { accept: c.req.header("accept") ?? "*/*" } });
	const headers = new Headers(res.headers);
	// fetch already decoded the body.
	headers.delete("content-encoding");
	headers.delete("content-length");
	return new Response(res.body, { status: res.status, headers });
}

async function serveBuilt(c: Context<AppEnv>, dir: string): Promise<Response> {
	const root = await realpath(dir);
	const wanted = resolve(root, `.${decodeURIComponent(c.req.path)}`);
	// A path outside the UI's directory (../) is never read; it gets the app like any unknown route.
	const inside = wanted === root || wanted.startsWith(root + sep);
	const file = inside && extname(wanted) !== "" ? await readIfFile(wanted, root) : null;
	if (file) {
		const immutable = wanted.startsWith(join(root, "assets") + sep);
		return new Response(file, {
			headers: {
				"content-type": TYPES[extname(wanted)] ?? "application/octet-stream",
				"cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
				"x-content-type-options": "nosniff",
			},
		});
	}
	if (extname(wanted) !== "" && !wanted.endsWith(".html")) return c.text("not found", 404);
	const index = await readIfFile(join(root, "index.html"), root);
	if (!index) return c.html(NOT_BUILT, 503);
	return new Response(index, {
		headers: { "content-type": TYPES[".html"] ?? "text/html", "cache-control": "no-cache", "content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "same-origin" },
	});
}

async function readIfFile(path: string, root: string): Promise<ArrayBuffer | null> {
	try {
		// Symlinks pointing out of the directory are not followed.
		const real = await realpath(path);
		if (!real.startsWith(root + sep)) return null;
		const bytes = await readFile(real);
		return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "EISDIR") return null;
		throw err;
	}
}
