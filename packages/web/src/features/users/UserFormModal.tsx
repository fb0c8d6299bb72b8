import { Alert, App, Form, Input, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH, type Role, type Shop, type User } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { useApiError } from '../../components/useApiError';
import { useCreateUser, useUpdateUser, type CreateUserInput, type UpdateUserInput } from './api';
import { SaveModal } from '../../components/SaveModal';

interface FormValues {
  username: string;
  displayName: string;
  password: string;
  phone?: string | null;
  email?: string | null;
  roleIds: string[];
  shopIds: string[];
  allShops: boolean;
}

function blankToNull(v: string | null | undefined): string | null {
  const s = (v ?? '').trim();
  return s === '' ? null : s;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Create a user (`user` undefined) or edit one; edits send only the fields that changed. */
export function UserFormModal({
  open,
  user,
  roles,
  rolesLoading,
  shops,
  onClose,
}: {
  open: boolean;
  user?: User | undefined;
  roles: Role[];
  rolesLoading: boolean;
  shops: Shop[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<FormValues>();
  const allShops = Form.useWatch('allShops', form);
  const create = useCreateUser();
  const update = useUpdateUser();
  const editing = !!user;
  const pending = create.isPending || update.isPending;

  // The modal is destroyed when hidden, so the form mounts afresh with these values on every open.
  const initialValues: Partial<FormValues> = user
    ? {
        username: user.username,
        displayName: user.displayName,
        phone: user.phone ?? '',
        email: user.email ?? '',
        roleIds: user.roles.map((r) => r.id),
        shopIds: user.shopIds,
        allShops: user.allShops,
      }
    : { roleIds: [], shopIds: [], allShops: false };

  const submit = (v: FormValues) => {
    if (!user) {
      const body: CreateUserInput = {
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        password: v.password,
        phone: blankToNull(v.phone),
        email: blankToNull(v.email),
        roleIds: v.roleIds ?? [],
        shopIds: v.allShops ? [] : (v.shopIds ?? []),
        allShops: !!v.allShops,
      };
      create.mutate(body, {
        onSuccess: () => {
          void message.success(t('users.created'));
          onClose();
        },
        onError: (e) => onError(e, form),
      });
      return;
    }
    const body: UpdateUserInput = {};
    if (v.displayName.trim() !== user.displayName) body.displayName = v.displayName.trim();
    // Masked phone/email come back unchanged unless the editor typed a new value.
    if (blankToNull(v.phone) !== user.phone) body.phone = blankToNull(v.phone);
    if (blankToNull(v.email) !== user.email) body.email = blankToNull(v.email);
    if (
      !sameSet(
        v.roleIds ?? [],
        user.roles.map((r) => r.id),
      )
    )
      body.roleIds = v.roleIds ?? [];
    if (!!v.allShops !== user.allShops) body.allShops = !!v.allShops;
    if (!v.allShops && !sameSet(v.shopIds ?? [], user.shopIds)) body.shopIds = v.shopIds ?? [];
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: user.id, body },
      {
        onSuccess: () => {
          void message.success(t('users.updated'));
          onClose();
        },
        onError: (e) => onError(e, form),
      },
    );
  };

  const canSeeRoles = can('roles.read');
  return (
    <SaveModal
      form={form}
      open={open}
      title={editing ? t('users.editTitle') : t('users.createTitle')}
      onClose={onClose}
      saving={pending}
      submitTestId="user-form-submit"
      width={560}
      data-testid="user-form-modal"
    >
      {editing && !can('customers.pii.read') ? (
        <Alert type="info" showIcon title={t('users.maskedHint')} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<FormValues> form={form} layout="vertical" onFinish={submit} disabled={pending} initialValues={initialValues}>
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: !editing, whitespace: true, message: t('common.required') }]}
        >
          <Input name="username" disabled={editing} autoComplete="off" maxLength={32} />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input name="displayName" maxLength={50} />
        </Form.Item>
        {editing ? null : (
          <Form.Item
            name="password"
            label={t('users.password')}
            extra={t('account.passwordHint', { min: PASSWORD_MIN_LENGTH })}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password name="password" autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="phone" label={t('users.phone')}>
          <Input name="phone" autoComplete="off" />
        </Form.Item>
        <Form.Item name="email" label={t('users.email')}>
          <Input name="email" type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="roleIds"
          label={t('users.roles')}
          rules={[{ required: true, type: 'array', min: 1, message: t('common.required') }]}
          {...(canSeeRoles ? {} : { extra: t('users.noRolesPermission') })}
        >
          <Select
            mode="multiple"
            loading={rolesLoading}
            disabled={!canSeeRoles}
            showSearch={{ optionFilterProp: 'title' }}
            options={roles.map((r) => ({ value: r.id, label: labels.role(r), title: labels.role(r) }))}
          />
        </Form.Item>
        <Form.Item name="allShops" label={t('users.allShops')} valuePropName="checked" extra={t('users.allShopsHelp')}>
          <Switch />
        </Form.Item>
        {allShops ? null : (
          <Form.Item name="shopIds" label={t('users.shops')}>
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: 'title' }}
              options={shops.map((s) => ({
                value: s.id,
                title: s.name,
                label: `${s.name} · ${labels.channel(s.channel)}`,
              }))}
            />
          </Form.Item>
        )}
      </Form>
    </SaveModal>
  );
}
