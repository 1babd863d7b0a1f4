// Errors of the control API (/_sim): plain { message } bodies, not Stripe's shape.
export class SimError extends Error {
	constructor(
		readonly status: 400 | 404 | 409 | 422,
		message: string,
	) {
		super(message);
	}
}
