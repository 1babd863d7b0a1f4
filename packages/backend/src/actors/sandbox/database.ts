// The sandbox actor's drizzle database.
import type { InferDatabaseClient } from "rivetkit/db";
import { db } from "rivetkit/db/drizzle";
import migrations from "./migrations/migrations.ts";
import * as schema from "./schema.ts";

export const sandboxDatabase = db({ schema, migrations });
export type SandboxDb = InferDatabaseClient<typeof sandboxDatabase>;
