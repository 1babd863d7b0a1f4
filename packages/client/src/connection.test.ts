import { describe, expect, it } from "vitest";
import { type BaseConn, keepConnected } from "./connection.ts";

/** A stand-in RivetKit connection whose status the test drives. */
function fakeConn() {
	const status: Array<(s: string) => void> = [];
	const opened: Array<() => void> = [];
	const conn: BaseConn = {
		onOpen: (cb) => {
			opened.push(cb);
			return () => undefined;
		},
		onStatusChange: (cb) => {
			status.push(cb);
			return () => undefined;
		},
		dispose: async () => undefined,
	};
	return {
		conn,
		setStatus: (s: string) => {
			for (const cb of status) cb(s);
		},
		open: () => {
			for (const cb of opened) cb();
		},
	};
}

describe("keepConnected", () => {
	it("reports the connection going down and coming back", async () => {
		const fake = fakeConn();
		const seen: boolean[] = [];
		const kept = keepConnected({ endpoint: "http://x", connect: () => fake.conn, listen: () => undefined, sync: async () => undefined, onConnectionChange: (up) => seen.push(up) });
		fake.setStatus("connected");
		fake.open();
		await kept.ready;
		fake.setStatus("disconnected");
		fake.setStatus("connecting");
		fake.setStatus("connected");
		expect(seen).toEqual([true, false, false, true]);
		await kept.close();
	});
});
