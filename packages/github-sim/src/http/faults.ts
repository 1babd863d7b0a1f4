// Injected failures (control API): the next `count` REST requests whose path matches `path` (a
// regular expression over the path after /api/v3) fail with `status`, as an unhealthy GitHub would.
export interface Fault {
	path: RegExp;
	status: number;
	remaining: number;
}

export class Faults {
	#faults: Fault[] = [];

	add(path: string, status: number, count: number): void {
		this.#faults.push({ path: new RegExp(path), status, remaining: count });
	}

	clear(): void {
		this.#faults = [];
	}

	/** The status to fail this request with, or null. */
	take(path: string): number | null {
		const fault = this.#faults.find((f) => f.remaining > 0 && f.path.test(path));
		if (!fault) return null;
		fault.remaining--;
		return fault.status;
	}
}
