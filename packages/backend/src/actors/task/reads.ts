// Read actions of the task actor.
import type { TaskRecord } from "@foundry/shared";
import { loadRecord, type RecordSource } from "./context.ts";

/** The stored record, or null for a task whose actor has not initialised yet (lazy start). */
export function getStoredTask(source: RecordSource): Promise<TaskRecord | null> {
	return loadRecord(source);
}
