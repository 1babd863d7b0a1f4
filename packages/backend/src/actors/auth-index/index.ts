// authIndex actor (one, key "app"): the lookups Better Auth and the principal resolver need before
// they know which user actor to ask — session token → user, email → user, account → user,
// API token → user — plus records that belong to no user (verifications, device codes).
// Auth operations are actions (never queued behind long commands); every one is internal.
import { ACCESS, ACTOR, parseInput } from "@foundry/shared";
import { actor } from "rivetkit";
import { z } from "zod";
import { RecordStore } from "../../auth/record-store.ts";
import type { WhereClause } from "../../auth/where.ts";
import { withAccess } from "../shared/access.ts";
import type { ActorDeps } from "../shared/deps.ts";
import { authIndexDatabase } from "./database.ts";
import { type IndexHit, indexEntrySchema, indexQuerySchema, indexRemovalSchema, recordQuerySchema } from "./entries.ts";
import { records } from "./schema.ts";
import { lookup, put, remove } from "./store.ts";

const recordSchema = z.record(z.string(), z.unknown());
const createSchema = z.object({ model: z.string(), data: recordSchema });
const updateSchema = z.object({ model: z.string(), where: z.array(recordSchema), update: recordSchema });
const deleteSchema = z.object({ model: z.string(), where: z.array(recordSchema) });

export function authIndexActor(deps: ActorDeps) {
	const log = deps.logger.child({ actor: ACTOR.authIndex });
	const def = actor({
		db: authIndexDatabase,
		createConnState: (c, params) => deps.principals.resolve(params, () => c.client()),
		actions: {
			lookup: (c, q: unknown): Promise<IndexHit | null> => lookup(c.db, parseInput(indexQuerySchema, q)),
			put: async (c, entry: unknown): Promise<void> => put(c.db, parseInput(indexEntrySchema, entry)),
			remove: (c, r: unknown): Promise<number> => remove(c.db, parseInput(indexRemovalSchema, r)),
			recordCreate: (c, input: unknown) => {
				const { model, data } = parseInput(createSchema, input);
				return new RecordStore(c.db, records).create(model, data);
			},
			recordFind: (c, input: unknown) => {
				const q = parseInput(recordQuerySchema, input);
				return new RecordStore(c.db, records).find({ ...q, where: q.where as unknown as WhereClause[] });
			},
			recordUpdate: (c, input: unknown) => {
				const { model, where, update } = parseInput(updateSchema, input);
				return new RecordStore(c.db, records).update(model, where as unknown as WhereClause[], update);
			},
			recordDelete: (c, input: unknown) => {
				const { model, where } = parseInput(deleteSchema, input);
				return new RecordStore(c.db, records).delete(model, where as unknown as WhereClause[]);
			},
		},
	});
	return withAccess(def, ACCESS.authIndex, log);
}
