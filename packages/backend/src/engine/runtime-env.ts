// Environment for RivetKit's native core. Under Bun, assigning process.env does not reach
// getenv() in native code (tech guide, trap 2), so values are also set through libc setenv.

export async function setRealEnv(name: string, value: string): Promise<void> {
	process.env[name] = value;
	if (typeof Bun === "undefined") return;
	const { dlopen, FFIType, ptr } = await import("bun:ffi");
	const libc = dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", {
		setenv: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
	});
	const cString = (s: string) => Buffer.from(`${s}\0`);
	libc.symbols.setenv(ptr(cString(name)), ptr(cString(value)), 1);
	libc.close();
}

/** Engine settings every local run needs; existing values in the environment win. */
export const ENGINE_ENV_DEFAULTS: Record<string, string> = {
	RIVET_RUN_SERVICES: "0",
	RIVET__GUARD__TCP_NODELAY: "true",
	RIVET__TELEMETRY__ENABLED: "false",
	CBOR_NATIVE_ACCELERATION_DISABLED: "true",
	// These machines set RUST_BACKTRACE=1: the engine then unwinds a full stack for every error it
	// creates on the request path (~12 ms of CPU per request, tech guide 11.6). Panics keep theirs.
	RUST_LIB_BACKTRACE: "0",
};

export async function prepareEngineEnv(storagePath: string): Promise<void> {
	await setRealEnv("RIVETKIT_STORAGE_PATH", storagePath);
	for (const [name, value] of Object.entries(ENGINE_ENV_DEFAULTS)) {
		await setRealEnv(name, process.env[name] ?? value);
	}
}
