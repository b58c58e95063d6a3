/**
 * Who a Discord user is to Vigil: their own entry in DISCORD_ALLOWED_USERS and the roles DISCORD_ROLE_MAP gives their
 * server roles — the highest of these; nobody listed and no mapped role: refused (null). Checked on every command,
 * autocomplete and button press.
 */
import { ROLES, type Role } from '../../domain/index.ts';

export interface DiscordAccess {
  readonly allowed: readonly { readonly userId: string; readonly role: Role }[];
  readonly roleMap: readonly { readonly roleId: string; readonly role: Role }[];
}

/** The Vigil role of `userId` holding server roles `memberRoleIds` (none in a DM); null when not allowed. */
export function discordRole(access: DiscordAccess, userId: string, memberRoleIds: readonly string[]): Role | null {
  const granted = [
    ...access.allowed.filter((e) => e.userId === userId).map((e) => e.role),
    ...access.roleMap.filter((e) => memberRoleIds.includes(e.roleId)).map((e) => e.role),
  ];
  if (granted.length === 0) return null;
  return granted.reduce((best, r) => (ROLES.indexOf(r) > ROLES.indexOf(best) ? r : best));
}
