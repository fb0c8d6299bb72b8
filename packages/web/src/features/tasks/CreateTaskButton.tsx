import { useState } from 'react';
import { Button, Space } from 'antd';
import { CarryOutOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TaskLinkKind } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useTasks } from './api';
import { TaskFormModal } from './TaskFormModal';

/**
 * 创建任务 on an object's page (an order, a product …): opens the task form prefilled with the link
 * to that object (and its shop), so the task leads back here; next to it, the object's open tasks
 * as a link to the task list filtered on it. Shown only to users who may create tasks / read them.
 */
export function CreateTaskButton({
  kind,
  id,
  label,
  shopId,
}: {
  kind: TaskLinkKind;
  id: string;
  /** What the task list shows for the link (an order number, a product title). */
  label: string;
  shopId?: string | null;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [open, setOpen] = useState(false);
  const readable = can('tasks.read');
  const linked = useTasks({ scope: 'team', status: 'active', linkKind: kind, linkId: id, page: 1, pageSize: 1 }, readable);
  const n = linked.data?.total ?? 0;
  const listPath = `/tasks?scope=team&linkKind=${encodeURIComponent(kind)}&linkId=${encodeURIComponent(id)}&linkLabel=${encodeURIComponent(label)}`;
  if (!readable) return null;
  return (
    <Space size={4}>
      {can('tasks.write') ? (
        <Button icon={<CarryOutOutlined />} onClick={() => setOpen(true)} data-testid="create-task">
          {t('team.tasks.create')}
        </Button>
      ) : null}
      {n > 0 ? (
        <Link to={listPath} data-testid="linked-tasks">
          {t('team.tasks.linked', { n })}
        </Link>
      ) : null}
      {open ? (
        <TaskFormModal
          open
          prefill={{
            title: t(`team.tasks.titleFor.${kind}`, { label, defaultValue: '' }),
            linkKind: kind,
            linkId: id,
            linkLabel: label,
            ...(shopId ? { shopId } : {}),
          }}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </Space>
  );
}
