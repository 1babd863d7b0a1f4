// The organization actor's drizzle database.
import type { InferDatabaseClient } from "rivetkit/db";
import { db } from "rivetkit/db/drizzle";
import migrations from "./migrations/migrations.ts";
import * as schema from "./schema.ts";

export const organizationDatabase = db({ schema, migrations });
export type OrganizationDb = InferDatabaseClient<typeof organizationDatabase>;
