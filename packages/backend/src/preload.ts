// Loaded by Bun before any module (bunfig.toml): the native cbor-extract addon crashes RivetKit
// under Bun for messages over ~256 bytes (tech guide, trap 1), so use the pure-JS path.
process.env.CBOR_NATIVE_ACCELERATION_DISABLED ??= "true";
