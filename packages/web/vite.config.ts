// The web UI's build. In dev the backend serves the UI at its own URL by proxying to this server
// (one origin: the session cookie and /v1/rivet work unchanged); HMR connects here directly.
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const port = Number(process.env.FOUNDRY_WEB_DEV_PORT ?? 7742);

export default defineConfig({
	plugins: [react(), tailwindcss()],
	server: { host: "127.0.0.1", port, strictPort: true, hmr: { host: "127.0.0.1", port, clientPort: port } },
	build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 1_000 },
});
