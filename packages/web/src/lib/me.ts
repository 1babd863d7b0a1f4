// Who is signed in (GET /v1/whoami) and their profile, as queries.
import type { UserProfile } from "@foundry/client";
import { useQuery } from "@tanstack/react-query";
import { account } from "./foundry.ts";

export function useWhoami() {
	return useQuery({ queryKey: ["whoami"], queryFn: () => account.whoami(), retry: false, staleTime: 60_000 });
}

export function useProfile(enabled: boolean) {
	return useQuery<UserProfile>({
		queryKey: ["profile"],
		queryFn: () => account.me.profile(),
		enabled,
		// Organizations are discovered right after sign-in; look again until they are.
		refetchInterval: (q) => (q.state.data && q.state.data.organizationsSyncedAt === null ? 1_000 : false),
	});
}
