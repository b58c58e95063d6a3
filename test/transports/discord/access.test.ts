/** Discord access: a listed user's role, a mapped server role, the highest of both, and refusal for everyone else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../../src/domain/index.ts';
import { discordRole, type DiscordAccess } from '../../../src/transports/discord/access.ts';

const access: DiscordAccess = {
  allowed: [{ userId: '1001', role: 'viewer' }, { userId: '1002', role: 'admin' }],
  roleMap: [{ roleId: '9001', role: 'trader' }, { roleId: '9002', role: 'viewer' }],
};

describe('discordRole', () => {
  it('listed users get their role; mapped server roles grant theirs; the highest wins; others are refused', () => {
    expect(discordRole(access, '1001', [])).toBe('viewer');
    expect(discordRole(access, '1001', ['9001'])).toBe('trader');
    expect(discordRole(access, '1002', ['9002'])).toBe('admin');
    expect(discordRole(access, '5555', ['9002'])).toBe('viewer');
    expect(discordRole(access, '5555', ['9002', '9001'])).toBe('trader');
    expect(discordRole(access, '5555', [])).toBeNull();
    expect(discordRole(access, '5555', ['1001'])).toBeNull(); // a user id is not a role id
  });

  it('property: the role is one granted, never above every grant, null exactly when nothing grants', () => {
    const role = fc.constantFrom(...ROLES);
    const ids = fc.constantFrom('1', '2', '3', '4');
    fc.assert(fc.property(
      fc.array(fc.record({ userId: ids, role })), fc.array(fc.record({ roleId: ids, role })), ids, fc.uniqueArray(ids),
      (allowed, roleMap, user, roles) => {
        const r = discordRole({ allowed, roleMap }, user, roles);
        const grants = [...allowed.filter((e) => e.userId === user).map((e) => e.role), ...roleMap.filter((e) => roles.includes(e.roleId)).map((e) => e.role)];
        if (grants.length === 0) expect(r).toBeNull();
        else {
          expect(grants).toContain(r);
          for (const g of grants) expect(ROLES.indexOf(r!)).toBeGreaterThanOrEqual(ROLES.indexOf(g));
        }
      },
    ));
  });
});
