import { describe, expect, it } from "vitest";
import { inodesToPorts } from "./tcp-nodelay.ts";

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1E46 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:A1B2 0100007F:1E46 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:A1B3 0100007F:1E47 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:A1B4 0100007F:1E46 06 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 20 4 30 10 -1
   4: 0100007F:A1B5 0100007F:0050 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1`;

describe("inodesToPorts", () => {
	it("finds established connections to the engine's ports only (not listeners, not closing ones, not others)", () => {
		expect([...inodesToPorts([TABLE, ""], [7750, 7751])].sort()).toEqual(["2222", "3333"]);
		expect([...inodesToPorts([TABLE], [80])]).toEqual(["5555"]);
	});
});
