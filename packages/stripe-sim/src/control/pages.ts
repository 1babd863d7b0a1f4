// The hosted pages Stripe would serve, reduced to what a person (or a browser test) needs: the
// checkout page with Pay / Decline buttons that complete the session and follow success_url,
// the customer portal (its subscriptions and a way back), an invoice page.
import { Hono } from "hono";
import { html, raw } from "hono/html";
import type { Sim } from "../sim.ts";

const layout = (title: string, body: ReturnType<typeof html>) =>
	html`<!doctype html><html><head><meta charset="utf-8"><title>${title} · stripe-sim</title></head><body style="font-family:sans-serif;max-width:40rem;margin:2rem auto">${body}</body></html>`;

export function pageRoutes(sim: Sim) {
	const app = new Hono();

	app.get("/checkout/:id", (c) => {
		const session = sim.store.checkoutSessions.get(c.req.param("id"));
		if (!session) return c.html(layout("Not found", html`<h1>No such checkout session</h1>`), 404);
		const lines = sim.store.checkoutDetails.get(session.id)?.lineItems ?? [];
		const js = (v: string) => JSON.stringify(v).replaceAll("<", "\\u003c");
		const script = `async function go(fail){const r=await fetch(location.pathname+'/complete',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({fail})});
if(r.ok){const t=${js(session.success_url ?? "")};if(t)location.href=t.replace('{CHECKOUT_SESSION_ID}',${js(session.id)});else document.body.append('done');}else document.body.append(await r.text());}`;
		return c.html(
			layout(
				"Checkout",
				html`<h1>Checkout (${session.status})</h1>
					<ul>${lines.map((l) => html`<li data-price="${l.price}">${l.price} × ${l.quantity ?? "metered"}</li>`)}</ul>
					<p>Total: ${(session.amount_total ?? 0) / 100} ${session.currency?.toUpperCase() ?? ""}</p>
					<button id="pay" onclick="go(false)">Pay</button> <button id="decline" onclick="go(true)">Decline card</button>
					${session.cancel_url ? html`<a id="cancel" href="${session.cancel_url}">Cancel</a>` : ""}
					<script>${raw(script)}</script>`,
			),
		);
	});

	app.get("/portal/:id", (c) => {
		const session = sim.store.portalSessions.get(c.req.param("id"));
		if (!session) return c.html(layout("Not found", html`<h1>No such portal session</h1>`), 404);
		const subs = [...sim.store.subscriptions.values()].filter((s) => s.customer === session.customer);
		return c.html(
			layout(
				"Billing portal",
				html`<h1>Billing portal for ${session.customer}</h1>
					<ul>${subs.map((s) => html`<li data-subscription="${s.id}">${s.id}: ${s.status}${s.cancel_at_period_end ? " (cancels at period end)" : ""}</li>`)}</ul>
					${session.return_url ? html`<a id="return" href="${session.return_url}">Return</a>` : ""}`,
			),
		);
	});

	app.get("/invoices/:id", (c) => {
		const invoice = sim.store.invoices.get(c.req.param("id"));
		if (!invoice) return c.html(layout("Not found", html`<h1>No such invoice</h1>`), 404);
		return c.html(
			layout(
				`Invoice ${invoice.number}`,
				html`<h1>Invoice ${invoice.number} (${invoice.status})</h1>
					<p>Amount due: ${invoice.amount_due / 100} ${invoice.currency.toUpperCase()}; paid: ${invoice.amount_paid / 100}</p>
					<ul>${invoice.lines.data.map((l) => html`<li>${l.description}: ${l.amount / 100}</li>`)}</ul>`,
			),
		);
	});
	return app;
}
