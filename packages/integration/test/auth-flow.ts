// Signing in the way a browser does: POST sign-in → the simulator's authorize page (choosing the
// user with ?login=) → the backend's OAuth callback → session cookie. Plain HTTP, no shortcuts.

export class CookieJar {
	readonly #cookies = new Map<string, string>();

	take(res: Response): void {
		for (const c of res.headers.getSetCookie()) {
			const [pair = ""] = c.split(";");
			const eq = pair.indexOf("=");
			if (eq <= 0) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			if (value === "" || /max-age=0/i.test(c)) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
	}

	header(): string {
		return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
	}

	get(name: string): string | undefined {
		return this.#cookies.get(name);
	}
}

export const SESSION_COOKIE = "better-auth.session_token";

/** The session token inside a signed session cookie value (`<token>.<signature>`, URI-encoded). */
export function sessionTokenOf(cookieValue: string): string {
	const decoded = decodeURIComponent(cookieValue);
	return decoded.slice(0, decoded.lastIndexOf("."));
}

export interface BrowserStart {
	jar: CookieJar;
	/** The simulator's authorize URL the backend redirected to. */
	authorizeUrl: string;
}

export async function startSignIn(backendUrl: string, callbackURL = "/"): Promise<BrowserStart> {
	const jar = new CookieJar();
	const res = await fetch(`${backendUrl}/v1/auth/sign-in/social`, {
		method: "POST",
		headers: { "content-type": "application/json", origin: backendUrl },
		body: JSON.stringify({ provider: "github", callbackURL }),
	});
	if (!res.ok) throw new Error(`sign-in start failed: ${res.status} ${await res.text()}`);
	jar.take(res);
	const { url } = (await res.json()) as { url: string };
	return { jar, authorizeUrl: url };
}

/** The simulator approves as `login` and redirects to the backend's callback URL. */
export async function authorizeAt(authorizeUrl: string, login: string): Promise<string> {
	const url = new URL(authorizeUrl);
	url.searchParams.set("login", login);
	const res = await fetch(url, { redirect: "manual" });
	const location = res.headers.get("location");
	if (res.status !== 302 || !location) throw new Error(`authorize failed: ${res.status} ${await res.text()}`);
	return location;
}

export async function callback(callbackUrl: string, jar: CookieJar): Promise<Response> {
	const res = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: jar.header() } });
	jar.take(res);
	return res;
}

export interface SignedIn {
	jar: CookieJar;
	cookie: string;
	sessionToken: string;
}

export async function signIn(backendUrl: string, login: string): Promise<SignedIn> {
	const { jar, authorizeUrl } = await startSignIn(backendUrl);
	const res = await callback(await authorizeAt(authorizeUrl, login), jar);
	const value = jar.get(SESSION_COOKIE);
	if (res.status !== 302 || !value) throw new Error(`callback failed: ${res.status} ${await res.text()}`);
	return { jar, cookie: jar.header(), sessionToken: sessionTokenOf(value) };
}
