// Who is calling. Until sign-in lands (step 3) every client call acts as "anonymous";
// step 3 replaces this with the identity carried by the connection, never an argument.
export const ANONYMOUS = "anonymous";
export const SYSTEM = "system";

export function callerOf(_conn: unknown): string {
	return ANONYMOUS;
}
