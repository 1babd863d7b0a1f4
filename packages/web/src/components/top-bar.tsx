// The top bar: organization switcher, search, runtime issues, notifications and the account menu.
import type { Membership, OrganizationSnapshot } from "@foundry/client";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { AlertTriangle, Bell, ChevronDown, LogOut } from "lucide-react";
import { account } from "../lib/foundry.ts";
import { useProfile } from "../lib/me.ts";
import { Avatar, toastError } from "./ui.tsx";

const menuItem = "flex cursor-default items-center gap-2 rounded px-2 py-1.5 outline-none data-[highlighted]:bg-panel";
const menu = "z-40 min-w-56 rounded-md border border-line bg-bg p-1 shadow-lg";
const navLink = "rounded-md px-2 py-1 hover:bg-panel";

export function TopBar({ orgId, snapshot }: { orgId: string; snapshot: OrganizationSnapshot | undefined }) {
	const profile = useProfile(true);
	const navigate = useNavigate();
	const qc = useQueryClient();
	const orgs = profile.data?.organizations ?? [];
	const current = orgs.find((o) => o.orgId === orgId);
	const notifications = useQuery({ queryKey: ["notifications"], queryFn: () => account.me.notifications({ limit: 30 }) });
	const unread = (notifications.data ?? []).filter((n) => n.readAt === null);
	// Opening the list marks what it shows as read.
	const seen = async (open: boolean) => {
		if (!open || unread.length === 0) return;
		try {
			await account.me.markNotificationsRead(unread.map((n) => n.id));
			await qc.invalidateQueries({ queryKey: ["notifications"] });
		} catch (err) {
			toastError(err, "notifications");
		}
	};
	const switchTo = async (o: Membership) => {
		try {
			// biome-ignore lint/correctness/useHookAtTopLevel: a client method named like a hook, not a React hook.
			await account.me.useOrganization(o.orgId);
			await navigate({ to: "/$orgId", params: { orgId: o.orgId } });
		} catch (err) {
			toastError(err, "switch organization");
		}
	};
	const signOut = async () => {
		try {
			await account.auth.signOut();
			qc.clear();
			await navigate({ to: "/signin" });
		} catch (err) {
			toastError(err, "sign out");
		}
	};
	return (
		<header className="flex h-12 items-center gap-3 border-b border-line px-3">
			<DropdownMenu.Root>
				<DropdownMenu.Trigger className="flex items-center gap-2 rounded-md px-2 py-1 font-semibold hover:bg-panel">
					<Avatar url={current?.avatarUrl} login={current?.name ?? orgId} decorative />
					<span data-testid="current-org">{current?.name ?? orgId}</span>
					<span className="sr-only">: switch organization</span>
					<ChevronDown size={14} aria-hidden />
				</DropdownMenu.Trigger>
				<DropdownMenu.Portal>
					<DropdownMenu.Content className={menu} align="start">
						{orgs.map((o) => (
							<DropdownMenu.Item key={o.orgId} className={menuItem} onSelect={() => void switchTo(o)}>
								<Avatar url={o.avatarUrl} login={o.name} decorative />
								<span className="flex-1">{o.name}</span>
								<span className="text-xs text-muted">{o.kind === "personal" ? "personal" : o.role}</span>
								{o.installation === "install_required" && <span className="text-xs text-attention">install app</span>}
							</DropdownMenu.Item>
						))}
					</DropdownMenu.Content>
				</DropdownMenu.Portal>
			</DropdownMenu.Root>
			<nav aria-label="organization" className="flex items-center gap-1">
				<Link to="/$orgId" params={{ orgId }} activeOptions={{ exact: true }} className={navLink} activeProps={{ className: "bg-panel font-medium" }}>
					Tasks
				</Link>
				<Link to="/$orgId/settings" params={{ orgId }} className={navLink} activeProps={{ className: "bg-panel font-medium" }}>
					Settings
				</Link>
				<Link to="/$orgId/billing" params={{ orgId }} className={navLink} activeProps={{ className: "bg-panel font-medium" }}>
					Billing
				</Link>
				<Link to="/$orgId/audit" params={{ orgId }} className={navLink} activeProps={{ className: "bg-panel font-medium" }}>
					Audit
				</Link>
			</nav>
			<div className="flex-1" />
			{(snapshot?.openRuntimeIssues ?? 0) > 0 && (
				<Link to="/$orgId/settings" params={{ orgId }} hash="runtime-issues" className="flex items-center gap-1 text-attention" data-testid="runtime-issues">
					<AlertTriangle size={14} aria-hidden /> {snapshot?.openRuntimeIssues} runtime issues
				</Link>
			)}
			<DropdownMenu.Root onOpenChange={(open) => void seen(open)}>
				<DropdownMenu.Trigger className="relative flex items-center rounded-md p-1.5 hover:bg-panel" aria-label={`notifications, ${unread.length} unread`}>
					<Bell size={16} aria-hidden />
					{unread.length > 0 && (
						<span className="absolute -top-1 -right-1 rounded-full bg-accent px-1 text-[10px] text-on-accent" data-testid="unread-notifications">
							{unread.length}
						</span>
					)}
				</DropdownMenu.Trigger>
				<DropdownMenu.Portal>
					<DropdownMenu.Content className={`${menu} w-80`} align="end">
						{(notifications.data ?? []).length === 0 ? (
							<DropdownMenu.Label className="px-2 py-1.5 text-muted">No notifications.</DropdownMenu.Label>
						) : (
							notifications.data?.map((n) => (
								<DropdownMenu.Item key={n.id} className={`${menuItem} flex-col items-start`} onSelect={() => void navigate({ to: "/$orgId/tasks/$taskId", params: { orgId: n.orgId, taskId: n.taskId } })}>
									<span className={n.readAt === null ? "font-semibold" : ""}>{n.title}</span>
									<span className="text-xs text-muted">{n.body}</span>
								</DropdownMenu.Item>
							))
						)}
					</DropdownMenu.Content>
				</DropdownMenu.Portal>
			</DropdownMenu.Root>
			<DropdownMenu.Root>
				<DropdownMenu.Trigger className="flex items-center gap-1 rounded-md px-1 py-1 hover:bg-panel" aria-label="account menu">
					<Avatar url={profile.data?.avatarUrl} login={profile.data?.login ?? "?"} size={24} />
					<ChevronDown size={14} aria-hidden />
				</DropdownMenu.Trigger>
				<DropdownMenu.Portal>
					<DropdownMenu.Content className={menu} align="end">
						<DropdownMenu.Label className="px-2 py-1.5 text-muted">Signed in as {profile.data?.login}</DropdownMenu.Label>
						<DropdownMenu.Item className={menuItem} onSelect={() => void signOut()}>
							<LogOut size={14} aria-hidden /> Sign out
						</DropdownMenu.Item>
					</DropdownMenu.Content>
				</DropdownMenu.Portal>
			</DropdownMenu.Root>
		</header>
	);
}
