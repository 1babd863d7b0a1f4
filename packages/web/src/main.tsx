import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { router } from "./routes.tsx";
import "./styles.css";

const queryClient = new QueryClient({
	defaultOptions: {
		// Realtime events keep the cache current; a focus refetch would only add load.
		queries: { refetchOnWindowFocus: false, retry: 1 },
	},
});

const root = document.getElementById("root");
if (!root) throw new Error("no #root element");
createRoot(root).render(
	<StrictMode>
		<QueryClientProvider client={queryClient}>
			<RouterProvider router={router} />
		</QueryClientProvider>
	</StrictMode>,
);
