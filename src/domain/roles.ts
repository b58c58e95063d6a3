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
}

/** Where a reply or an alert goes. */
export interface ChatRef {
  readonly platform: Platform;
  readonly chatId: string;
}
