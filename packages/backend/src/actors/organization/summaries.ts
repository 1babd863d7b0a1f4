// Task summary rows <-> the TaskSummary contract.
import type { TaskSummary } from "@foundry/shared";
import type { taskSummaries } from "./schema.ts";

type SummaryRow = typeof taskSummaries.$inferSelect;

export function summaryRow(summary: TaskSummary): SummaryRow {
	const { id, ...rest } = summary;
	return { taskId: id, ...rest };
}

export function fromSummaryRow(row: SummaryRow): TaskSummary {
	const { taskId, ...rest } = row;
	return { id: taskId, ...rest };
}
