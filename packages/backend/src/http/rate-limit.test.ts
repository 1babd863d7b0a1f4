import { FoundryError } from "@foundry/shared";
import { describe, expect, it } from "vitest";
import { RateLimiter, retryAfterOf } from "./rate-limit.ts";

describe("RateLimiter", () => {
	it("allows the burst, refuses the next with a Retry-After, and refills over the window", () => {
		let now = 0;
		const limiter = new RateLimiter({ auth: { limit: 3, windowMs: 60_000 } }, () => now);
		for (let i = 0; i < 3; i++) limiter.take("auth", "1.2.3.4");
		let refused: unknown;
		try {
			limiter.take("auth", "1.2.3.4");
		} catch (err) {
			refused = err;
		}
		expect(refused).toBeInstanceOf(FoundryError);
		expect(retryAfterOf(refused)).toBe(20);
		limiter.take("auth", "5.6.7.8"); // another client has its own budget
		now = 20_000;
		limiter.take("auth", "1.2.3.4");
	});

	it("does not limit a bucket with limit 0 or without a rule", () => {
		const limiter = new RateLimiter({ off: { limit: 0, windowMs: 1 } });
		for (let i = 0; i < 100; i++) {
			limiter.take("off", "x");
			limiter.take("unknown", "x");
		}
	});
});
