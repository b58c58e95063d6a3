/** Who may do what: viewers read, traders also approve trades, admins also change settings. */
export type Role = 'viewer' | 'trader' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'trader', 'admin'];

/** Whether `have` includes the rights of `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export type Platform = 'console' | 'telegram' | 'discord';

/** The person behind a command or a button press. `role` null means not on the allow-list. */
export interface Actor {
  readonly platform: Platform;
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role | null;
  /** The same person's key on every platform when their identities are linked (LINKED_IDENTITIES). */
  readonly person?: string;
}

/** One person's ids on Telegram and Discord (LINKED_IDENTITIES). */
export interface IdentityLink {
  readonly telegram: string;
  readonly discord: string;
}

/** The person key of a platform user: their Telegram key when linked (so a Telegram-only history keeps its keys). */
export function linkedPerson(links: readonly IdentityLink[], platform: Platform, userId: string): string | undefined {
  const link = links.find((l) => (platform === 'telegram' ? l.telegram : platform === 'discord' ? l.discord : undefined) === userId);
  return link ? `telegram:${link.telegram}` : undefined;
}

/** Who acted, for ownership checks and the audit: the linked person's key, else "platform:userId". */
export function actorKey(a: Actor): string {
  return a.person ?? `${a.platform}:${a.userId}`;
}

/** Where a reply or an alert goes. */
export interface ChatRef {
  readonly platform: Platform;
  readonly chatId: string;
}
