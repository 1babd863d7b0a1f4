// What user command handlers work with. Changes reach only this user's connections.
import { EVENT, type UserChange, type UserUpdatedEvent } from "@foundry/shared";
import type { Logger } from "pino";
import type { GithubUserApi } from "../../adapters/github.ts";
import type { SecretBox } from "../../auth/secret-box.ts";
import type { PrincipalSource } from "../shared/deps.ts";
import type { Outbox } from "../shared/outbox.ts";
import type { PeerClient } from "../shared/peers.ts";
import type { UserDb } from "./database.ts";

export interface UserCommandContext {
	db: UserDb;
	userId: string;
	peers: PeerClient;
	outbox: Outbox;
	log: Logger;
	github: GithubUserApi;
	secrets: SecretBox;
	principals: PrincipalSource;
	emit(change: UserChange): void;
}

export const userEvent = (change: UserChange): [typeof EVENT.userUpdated, UserUpdatedEvent] => [EVENT.userUpdated, { change }];
