import { describe, expect, it } from 'vitest';
import { CreateShopBody, CreateUserBody, PasswordSchema } from './api.js';
import { AppError, ERROR_STATUS } from './errors.js';
import { idPrefix, newId, ulid } from './ids.js';
import { maskAddress, maskEmail, maskName, maskPhone } from './mask.js';
import { ALL_PERMISSIONS, PERMISSION_GROUPS, SEED_ROLES, isPermission } from './permissions.js';

describe('ids', () => {
  it('are prefixed, 26-char ULIDs that sort by creation', () => {
    const a = newId('user');
    expect(a).toMatch(/^usr_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(idPrefix(a)).toBe('usr');
    const many = Array.from({ length: 500 }, () => ulid());
    expect([...many].sort()).toEqual(many);
    expect(new Set(many).size).toBe(500);
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
  });
});

describe('masking personal data', () => {
  it('masks phone, email, name and address', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(null)).toBeNull();
    expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskAddress('浙江省杭州市余杭区文一西路969号')).toBe('浙江省杭州市****');
  });
});

describe('permissions and seeded roles', () => {
  it('has unique codes and roles that only use known permissions', () => {
    expect(new Set(ALL_PERMISSIONS).size).toBe(ALL_PERMISSIONS.length);
    expect(PERMISSION_GROUPS.length).toBeGreaterThan(5);
    expect(SEED_ROLES.map((r) => r.code)).toEqual(['owner', 'operator', 'promotion', 'designer', 'service', 'warehouse', 'finance']);
    for (const r of SEED_ROLES) for (const p of r.permissions) expect(isPermission(p), `${r.code}: ${p}`).toBe(true);
    expect(SEED_ROLES.find((r) => r.code === 'service')!.permissions).not.toContain('users.read');
    expect(isPermission('customers.pii.read')).toBe(true);
  });
});

describe('errors and schemas', () => {
  it('maps codes to HTTP statuses', () => {
    expect(new AppError('forbidden', '没有权限').status).toBe(403);
    expect(ERROR_STATUS.rate_limited).toBe(429);
  });

  it('explains bad input in Chinese', () => {
    const pw = PasswordSchema.safeParse('abc');
    expect(pw.success).toBe(false);
    expect(pw.error!.issues[0]!.message).toContain('至少 8 位');
    expect(PasswordSchema.safeParse('abcdefgh').error!.issues[0]!.message).toContain('字母和数字');
    const shop = CreateShopBody.safeParse({ name: '店', channel: 'ebay' });
    expect(shop.error!.issues[0]!.message).toContain('渠道必须是');
    expect(CreateShopBody.parse({ name: ' 店 ', channel: 'jd' })).toEqual({ name: '店', channel: 'jd', timezone: 'Asia/Shanghai' });
    const user = CreateUserBody.safeParse({ username: 'a b', displayName: 'x', password: 'Passw0rd', roleIds: [] });
    expect(user.error!.issues.map((i) => i.path[0]).sort()).toEqual(['roleIds', 'username']);
  });
});
