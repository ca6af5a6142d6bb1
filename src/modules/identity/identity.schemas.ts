import { Type } from '@sinclair/typebox';
import { Paging, Uuid } from '../../platform/http/schemas.js';
import { ROLES, type Role } from './identity.policy.js';

export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES], description: 'platform_admin 平台管理员, dept_admin 部门管理员, dept_user 部门用户, sys_admin 系统管理员, sec_admin 安全管理员, auditor 安全审计员' });
const OrgLevelSchema = Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county')], { description: 'province 省级, city 市级, county 县级' });
const IsoTime = Type.String({ format: 'date-time' });

export const SessionUserSchema = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  orgId: Type.Union([Uuid, Type.Null()], { description: 'null for a platform-level account' }),
  orgName: Type.Union([Type.String(), Type.Null()]),
  mustChangePassword: Type.Boolean(),
});

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
export const LoginResponse = Type.Object({ token: Type.String(), csrfToken: Type.String(), user: SessionUserSchema });
export const MeResponse = Type.Object({ user: SessionUserSchema, csrfToken: Type.String() });
export const ChangePasswordBody = Type.Object({
  oldPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Type.String({ minLength: 1, maxLength: 256 }),
});

export const OrgSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  uscc: Type.String({ description: '统一社会信用代码 (GB 32100)' }),
  regionCode: Type.String({ description: 'GB/T 2260 行政区划代码' }),
  regionName: Type.Union([Type.String(), Type.Null()]),
  parentId: Type.Union([Uuid, Type.Null()]),
  level: OrgLevelSchema,
});
export const OrgListResponse = Type.Object({ items: Type.Array(OrgSchema) });
export const CreateOrgBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  uscc: Type.String({ minLength: 1, maxLength: 32 }),
  regionCode: Type.String({ minLength: 6, maxLength: 6 }),
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  level: OrgLevelSchema,
}, { additionalProperties: false });
export const UpdateOrgBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  regionCode: Type.Optional(Type.String({ minLength: 6, maxLength: 6 })),
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  level: Type.Optional(OrgLevelSchema),
}, { additionalProperties: false });
export const RegionQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 50 })) });
export const RegionListResponse = Type.Object({
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), fullName: Type.String() })),
});

export const UserSchema = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  orgId: Type.Union([Uuid, Type.Null()]),
  orgName: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleSchema),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([IsoTime, Type.Null()]),
  mustChangePassword: Type.Boolean(),
  lastLoginAt: Type.Union([IsoTime, Type.Null()]),
  createdAt: IsoTime,
});
export const UserListQuery = Type.Object({ orgId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 100 })), ...Paging });
export const UserListResponse = Type.Object({ items: Type.Array(UserSchema), total: Type.Integer() });
export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  orgId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'the department; omitted for a platform-level account' })),
  roles: Type.Array(Type.String(), { minItems: 1, maxItems: 6 }),
}, { additionalProperties: false });
export const UpdateUserBody = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  roles: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 6 })),
  disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export const ResetPasswordBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) });
