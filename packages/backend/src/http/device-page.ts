// The address `foundry login` prints (RFC 8628 verification URI, /v1/device): the web UI's device
// page when the UI is served; without a built UI, a minimal page of its own that does the same
// (sign in with GitHub if needed, then approve or deny the code shown in the terminal).
import type { Context } from "hono";
import type { AppEnv } from "./app.ts";
import type { WebUiOptions } from "./web-ui.ts";

const safeCode = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "").slice(0, 32);

export function deviceRoute(web: WebUiOptions) {
	return (c: Context<AppEnv>) => {
		const code = safeCode(c.req.query("user_code") ?? "");
		if (web.dir || web.devUrl) return c.redirect(`/signin/device${code ? `?user_code=${encodeURIComponent(code)}` : ""}`, 302);
		return c.html(devicePage(code));
	};
}

export function devicePage(userCode: string): string {
	const code = safeCode(userCode);
	return `<!doctype html>
<html><head><meta charset="utf-8"><title>Foundry — approve CLI login</title>
<style>body{font:16px system-ui;margin:4rem auto;max-width:32rem}code{font-size:1.4rem}button{margin-right:1rem}</style></head>
<body>
<h1>Approve a CLI login</h1>
<p>Code from your terminal: <input id="code" value="${code}" autocomplete="off"></p>
<p id="who">Checking your session…</p>
<p><button id="approve" disabled>Approve</button><button id="deny" disabled>Deny</button></p>
<p id="result"></p>
<script>
const base = "/v1/auth";
const post = (path, body) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, credentials: "include", body: JSON.stringify(body) });
async function main() {
  const session = await (await fetch(base + "/get-session", { credentials: "include" })).json();
  if (!session || !session.user) {
    const res = await post("/sign-in/social", { provider: "github", callbackURL: location.pathname + location.search });
    const out = await res.json();
    if (out.url) location.href = out.url; else document.getElementById("who").textContent = "Sign-in is not available: " + (out.message || res.status);
    return;
  }
  document.getElementById("who").textContent = "Signed in as " + session.user.name;
  for (const id of ["approve", "deny"]) {
    const b = document.getElementById(id);
    b.disabled = false;
    b.onclick = async () => {
      const userCode = document.getElementById("code").value.trim();
      // The code is claimed by the signed-in user first, then approved or denied.
      const claim = await fetch(base + "/device?user_code=" + encodeURIComponent(userCode), { credentials: "include" });
      if (!claim.ok) { document.getElementById("result").textContent = "Unknown or expired code: " + (await claim.text()); return; }
      const res = await post("/device/" + id, { userCode });
      document.getElementById("result").textContent = res.ok ? (id === "approve" ? "Approved. Return to your terminal." : "Denied.") : "Failed: " + (await res.text());
    };
  }
}
main();
</script>
</body></html>`;
}
