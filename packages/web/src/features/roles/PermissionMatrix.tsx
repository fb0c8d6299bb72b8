import { Checkbox, Table, Tooltip, Typography, theme, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { PERMISSION_GROUPS, type Role } from '@yunying/core';
import { useLabels } from '../../components/labels';

export const OWNER_CODE = 'owner';

type MatrixRow =
  | { key: string; kind: 'group'; module: string; label: string; codes: string[] }
  | { key: string; kind: 'perm'; code: string; label: string };

/**
 * Rows are permissions grouped by module, columns are roles. `value` is each role's effective
 * permission list (saved or edited); the owner column is read-only and always fully checked.
 */
export function PermissionMatrix({
  roles,
  value,
  dirty,
  editable,
  onChange,
}: {
  roles: Role[];
  value: (role: Role) => readonly string[];
  dirty: (role: Role) => boolean;
  editable: boolean;
  onChange: (role: Role, permissions: string[]) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { token } = theme.useToken();

  const rows: MatrixRow[] = PERMISSION_GROUPS.flatMap((g) => [
    {
      key: `group:${g.module}`,
      kind: 'group' as const,
      module: g.module,
      label: labels.text(g),
      codes: g.permissions.map((p) => p.code),
    },
    ...g.permissions.map((p) => ({ key: p.code, kind: 'perm' as const, code: p.code, label: labels.permission(p.code) })),
  ]);

  const columns: TableProps<MatrixRow>['columns'] = [
    {
      title: t('roles.permission'),
      key: 'permission',
      fixed: 'left',
      width: 260,
      render: (_, row) =>
        row.kind === 'group' ? (
          <Typography.Text strong>{row.label}</Typography.Text>
        ) : (
          <div style={{ paddingInlineStart: 12 }}>
            <div>{row.label}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.code}
            </Typography.Text>
          </div>
        ),
    },
    ...roles.map((role) => {
      const isOwner = role.code === OWNER_CODE;
      const readOnly = isOwner || !editable;
      const roleName = labels.role(role);
      const current = new Set(value(role));
      const title = (
        <Tooltip title={isOwner ? t('roles.ownerReadonly') : role.description || undefined}>
          <span data-testid={`matrix-col-${role.code ?? role.id}`}>
            {roleName}
            {dirty(role) ? <Typography.Text type="warning"> *</Typography.Text> : null}
          </span>
        </Tooltip>
      );
      return {
        title,
        key: role.id,
        width: 120,
        align: 'center' as const,
        render: (_: unknown, row: MatrixRow) => {
          if (row.kind === 'group') {
            const n = isOwner ? row.codes.length : row.codes.filter((c) => current.has(c)).length;
            return (
              <Checkbox
                checked={n === row.codes.length}
                indeterminate={n > 0 && n < row.codes.length}
                disabled={readOnly}
                aria-label={`${roleName}: ${row.label}`}
                data-testid={`perm-${role.code ?? role.id}-group-${row.module}`}
                onChange={(e) => {
                  const next = new Set(current);
                  for (const c of row.codes) {
                    if (e.target.checked) next.add(c);
                    else next.delete(c);
                  }
                  onChange(role, [...next]);
                }}
              />
            );
          }
          return (
            <Checkbox
              checked={isOwner || current.has(row.code)}
              disabled={readOnly}
              aria-label={`${roleName}: ${row.label}`}
              data-testid={`perm-${role.code ?? role.id}-${row.code}`}
              onChange={(e) => {
                const next = new Set(current);
                if (e.target.checked) next.add(row.code);
                else next.delete(row.code);
                onChange(role, [...next]);
              }}
            />
          );
        },
      };
    }),
  ];

  return (
    <Table<MatrixRow>
      rowKey="key"
      size="small"
      bordered
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 260 + roles.length * 120, y: 560 }}
      onRow={(row) => (row.kind === 'group' ? { style: { background: token.colorFillAlter } } : {})}
      data-testid="permission-matrix"
    />
  );
}
