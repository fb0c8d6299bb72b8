import { useState } from 'react';
import { App, Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { WORD_RISKS, type BannedWordDto, type WordRisk } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useAddExemption, useBannedWords, useCreateWord, useDeleteExemption, useDeleteWord, useUpdateWord } from './api';
import { RiskTag } from './shared';

interface WordValues {
  word: string;
  risk: WordRisk;
  note: string;
}

export function BannedWordsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('products.write');
  const words = useBannedWords();
  const create = useCreateWord();
  const update = useUpdateWord();
  const del = useDeleteWord();
  const addEx = useAddExemption();
  const delEx = useDeleteExemption();
  const [editing, setEditing] = useState<BannedWordDto | 'new' | null>(null);
  const [exFor, setExFor] = useState<BannedWordDto | null>(null);
  const url = useUrlState();
  const q = url.get('q') ?? '';
  const setQ = (v: string) => url.patch({ q: v.trim() }, { replace: true });
  const [form] = Form.useForm<WordValues>();
  const [exForm] = Form.useForm<{ phrase: string; productId?: string }>();

  const riskOptions = WORD_RISKS.map((r) => ({ value: r, label: t(`catalog.risk.${r}`) }));
  const items = (words.data ?? []).filter((w) => !q || w.word.includes(q) || w.note.includes(q));

  const saveWord = (v: WordValues) => {
    const done = { onSuccess: () => setEditing(null), onError: (e: unknown) => onError(e, form) };
    if (editing === 'new')
      create.mutate(
        { ...v, note: v.note ?? '', enabled: true },
        {
          ...done,
          onSuccess: () => {
            void message.success(t('catalog.words.created'));
            setEditing(null);
          },
        },
      );
    else if (editing) update.mutate({ id: editing.id, body: { risk: v.risk, note: v.note ?? '' } }, done);
  };

  return (
    <PageContainer
      title={t('catalog.words.title')}
      extra={
        canWrite ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.setFieldsValue({ word: '', risk: 'medium', note: '' });
              setEditing('new');
            }}
            data-testid="word-create"
          >
            {t('catalog.words.add')}
          </Button>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('catalog.words.intro')}</Typography.Paragraph>
      <Input.Search
        allowClear
        placeholder={t('catalog.words.search')}
        defaultValue={q}
        onSearch={setQ}
        onChange={(e) => !e.target.value && setQ('')}
        style={{ width: 240, marginBottom: 12 }}
      />
      {words.isError && !words.data ? (
        <QueryError error={words.error} onRetry={() => void words.refetch()} />
      ) : (
        <Table<BannedWordDto>
          rowKey="id"
          size="middle"
          loading={words.isFetching}
          dataSource={items}
          locale={{ emptyText: <Empty /> }}
          pagination={{
            current: url.page,
            onChange: (p) => url.setPage(p),
            pageSize: 50,
            hideOnSinglePage: true,
            showTotal: (total) => t('common.total', { count: total }),
          }}
          data-testid="word-table"
          columns={[
            {
              title: t('catalog.words.word'),
              dataIndex: 'word',
              width: 120,
              render: (w: string) => <Typography.Text strong>{w}</Typography.Text>,
            },
            { title: t('catalog.words.risk'), dataIndex: 'risk', width: 100, render: (r: WordRisk) => <RiskTag risk={r} /> },
            { title: t('catalog.words.note'), dataIndex: 'note' },
            {
              title: t('catalog.words.exemptions'),
              key: 'ex',
              width: 260,
              render: (_, w) => (
                <Space size={[4, 4]} wrap>
                  {w.exemptions.map((e) => (
                    <Tag
                      key={e.id}
                      closable={canWrite}
                      onClose={(ev) => {
                        ev.preventDefault();
                        delEx.mutate(e.id, { onError: (err) => onError(err) });
                      }}
                    >
                      {e.phrase}
                      {e.productId ? ' *' : ''}
                    </Tag>
                  ))}
                  {canWrite ? (
                    <Button
                      size="small"
                      type="dashed"
                      onClick={() => {
                        exForm.resetFields();
                        setExFor(w);
                      }}
                      data-testid={`word-exempt-${w.word}`}
                    >
                      {t('catalog.words.addExemption')}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t('catalog.words.enabled'),
              dataIndex: 'enabled',
              width: 80,
              render: (v: boolean, w) => (
                <Switch
                  size="small"
                  checked={v}
                  disabled={!canWrite}
                  onChange={(enabled) => update.mutate({ id: w.id, body: { enabled } }, { onError: (e) => onError(e) })}
                  data-testid={`word-enabled-${w.word}`}
                />
              ),
            },
            ...(canWrite
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 130,
                    render: (_: unknown, w: BannedWordDto) => (
                      <Space size={0}>
                        <Button
                          type="link"
                          size="small"
                          onClick={() => {
                            form.setFieldsValue({ word: w.word, risk: w.risk, note: w.note });
                            setEditing(w);
                          }}
                        >
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('common.confirmDelete')}
                          onConfirm={() =>
                            del.mutate(w.id, {
                              onSuccess: () => void message.success(t('catalog.words.deleted')),
                              onError: (e) => onError(e),
                            })
                          }
                        >
                          <Button type="link" size="small" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('catalog.words.add') : t('catalog.words.editTitle')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending || update.isPending}
        okButtonProps={{ 'data-testid': 'word-submit' }}
        forceRender
      >
        <Form<WordValues> form={form} layout="vertical" onFinish={saveWord}>
          <Form.Item
            name="word"
            label={t('catalog.words.word')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={40} disabled={editing !== 'new'} data-testid="word-input" />
          </Form.Item>
          <Form.Item name="risk" label={t('catalog.words.risk')}>
            <Select options={riskOptions} data-testid="word-risk" />
          </Form.Item>
          <Form.Item name="note" label={t('catalog.words.note')}>
            <Input.TextArea maxLength={200} autoSize={{ minRows: 2 }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={exFor !== null}
        title={`${t('catalog.words.addExemption')} · ${exFor?.word ?? ''}`}
        onCancel={() => setExFor(null)}
        onOk={() => exForm.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={addEx.isPending}
        okButtonProps={{ 'data-testid': 'exemption-submit' }}
        forceRender
      >
        <Form
          form={exForm}
          layout="vertical"
          onFinish={(v) =>
            exFor &&
            addEx.mutate(
              { id: exFor.id, phrase: v.phrase, productId: v.productId?.trim() || null },
              { onSuccess: () => setExFor(null), onError: (e) => onError(e, exForm) },
            )
          }
        >
          <Form.Item
            name="phrase"
            label={t('catalog.words.phrase')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={100} data-testid="exemption-phrase" />
          </Form.Item>
          <Form.Item name="productId" label={t('catalog.words.productOnly')}>
            <Input maxLength={40} />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}
