// Typed routes: /signin, /signin/device (CLI login approval), / (to the active organization), /$orgId (workbench), /$orgId/tasks/$taskId.
import { createRootRoute, createRoute, createRouter, Navigate, Outlet } from "@tanstack/react-router";
import { lazy, Suspense, useCallback, useState } from "react";
import { z } from "zod";
import { AuditPage } from "./components/audit.tsx";
import { DeviceApproval } from "./components/device.tsx";
import { NewTaskDialog } from "./components/new-task.tsx";
import { SettingsPage } from "./components/settings.tsx";
import { Sidebar } from "./components/sidebar.tsx";
import { SignIn } from "./components/sign-in.tsx";
import { TaskView } from "./components/task-view.tsx";
import { TopBar } from "./components/top-bar.tsx";
import { Skeleton, Toasts } from "./components/ui.tsx";
import { useConnectionState } from "./lib/connection-state.ts";
import { describeError, isUnauthorized } from "./lib/foundry.ts";
import { useOrganization, useOrganizationData, useUserEvents } from "./lib/live.ts";
import { useProfile, useWhoami } from "./lib/me.ts";

const rootRoute = createRootRoute({
	component: () => (
		<>
			<Outlet />
			<Toasts />
		</>
	),
});

const signInRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/signin",
	validateSearch: z.object({ next: z.string().startsWith("/").optional() }),
	component: function SignInPage() {
		const { next } = signInRoute.useSearch();
		return <SignIn next={next ?? "/"} />;
	},
});

/** Signed-in pages: anyone else goes to /signin and comes back here after. */
function RequireUser({ children }: { children: React.ReactNode }) {
	const me = useWhoami();
	if (me.isPending) return <Skeleton lines={4} />;
	if (me.error) {
		if (isUnauthorized(me.error)) return <Navigate to="/signin" search={{ next: window.location.pathname + window.location.search }} />;
		const { code, message } = describeError(me.error);
		return (
			<p role="alert" className="p-6 text-danger">
				{code}: {message}
			</p>
		);
	}
	return <>{children}</>;
}

// Where `foundry login`'s address (/v1/device?user_code=…) leads: approve or deny a CLI login.
const deviceRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/signin/device",
	validateSearch: z.object({ user_code: z.string().max(40).optional() }),
	component: function DevicePage() {
		const { user_code } = deviceRoute.useSearch();
		return (
			<RequireUser>
				<DeviceApproval initialCode={user_code ?? ""} />
			</RequireUser>
		);
	},
});

const indexRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/",
	component: function Home() {
		return (
			<RequireUser>
				<ToActiveOrg />
			</RequireUser>
		);
	},
});

function ToActiveOrg() {
	const profile = useProfile(true);
	if (!profile.data) return <Skeleton lines={4} />;
	const orgId = profile.data.activeOrgId ?? profile.data.organizations[0]?.orgId;
	if (!orgId) return <p className="p-6 text-muted">Finding your organizations…</p>;
	return <Navigate to="/$orgId" params={{ orgId }} />;
}

const orgRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/$orgId",
	component: function OrgLayout() {
		return (
			<RequireUser>
				<Workbench />
			</RequireUser>
		);
	},
});

function Workbench() {
	const { orgId } = orgRoute.useParams();
	const org = useOrganization(orgId);
	useUserEvents();
	const connection = useConnectionState();
	const [creating, setCreating] = useState(false);
	const openNewTask = useCallback(() => setCreating(true), []);
	return (
		<div className="flex h-full flex-col">
			<TopBar orgId={orgId} snapshot={org.data} />
			{!connection.ok && (
				<div role="status" className="bg-attention px-3 py-1 text-center text-on-accent" data-testid="reconnecting">
					Reconnecting… {connection.error}
				</div>
			)}
			<div className="flex min-h-0 flex-1">
				<Sidebar orgId={orgId} snapshot={org.data} onNewTask={openNewTask} />
				<main className="flex min-w-0 flex-1">
					<Outlet />
				</main>
			</div>
			<NewTaskDialog orgId={orgId} snapshot={org.data} open={creating} onOpenChange={setCreating} />
		</div>
	);
}

const orgIndexRoute = createRoute({
	getParentRoute: () => orgRoute,
	path: "/",
	component: () => <p className="m-auto text-muted">Pick a task on the left, or press c to start one.</p>,
});

const settingsRoute = createRoute({
	getParentRoute: () => orgRoute,
	path: "/settings",
	component: function Settings() {
		const { orgId } = settingsRoute.useParams();
		return <SettingsPage orgId={orgId} snapshot={useOrganizationData(orgId).data} />;
	},
});

const auditRoute = createRoute({
	getParentRoute: () => orgRoute,
	path: "/audit",
	component: function Audit() {
		const { orgId } = auditRoute.useParams();
		return <AuditPage orgId={orgId} snapshot={useOrganizationData(orgId).data} />;
	},
});

// The chart library is only needed here: its own chunk, loaded when billing is opened.
const BillingPage = lazy(() => import("./components/billing.tsx"));

const billingRoute = createRoute({
	getParentRoute: () => orgRoute,
	path: "/billing",
	// Stripe sends the browser back with the checkout's id (or "canceled").
	validateSearch: z.object({ checkout: z.string().max(200).optional() }),
	component: function Billing() {
		const { orgId } = billingRoute.useParams();
		const { checkout } = billingRoute.useSearch();
		return (
			<Suspense fallback={<Skeleton lines={8} />}>
				<BillingPage orgId={orgId} checkout={checkout} />
			</Suspense>
		);
	},
});

const taskRoute = createRoute({
	getParentRoute: () => orgRoute,
	path: "/tasks/$taskId",
	validateSearch: z.object({ session: z.string().optional() }),
	component: function TaskPage() {
		const { orgId, taskId } = taskRoute.useParams();
		const { session } = taskRoute.useSearch();
		const org = useOrganizationData(orgId);
		return <TaskView key={taskId} orgId={orgId} taskId={taskId} sessionParam={session} snapshot={org.data} />;
	},
});

const routeTree = rootRoute.addChildren([signInRoute, deviceRoute, indexRoute, orgRoute.addChildren([orgIndexRoute, taskRoute, settingsRoute, auditRoute, billingRoute])]);

export const router = createRouter({ routeTree, defaultPreload: false });

declare module "@tanstack/react-router" {
	interface Register {
		router: typeof router;
	}
}


