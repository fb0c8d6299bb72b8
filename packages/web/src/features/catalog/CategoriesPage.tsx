import { useState } from 'react';
import { App, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Space, Table, Tree, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { BrandDto, CategoryDto } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import {
  useBrands,
  useCategories,
  useCreateBrand,
  useCreateCategory,
  useDeleteBrand,
  useDeleteCategory,
  useRenameBrand,
  useUpdateCategory,
} from './api';
import { CategorySelect, categoryTree, type CategoryNode } from './shared';

type Dialog =
  | { kind: 'add'; parentId: string | null }
  | { kind: 'rename'; category: CategoryDto }
  | { kind: 'move'; category: CategoryDto }
  | { kind: 'brand'; brand: BrandDto | null };

export function CategoriesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('products.write');
  const categories = useCategories();
  const brands = useBrands();
  const createCat = useCreateCategory();
  const updateCat = useUpdateCategory();
  const deleteCat = useDeleteCategory();
  const createBrand = useCreateBrand();
  const renameBrand = useRenameBrand();
  const deleteBrand = useDeleteBrand();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [form] = Form.useForm<{ name?: string; parentId?: string }>();

  const open = (d: Dialog) => {
    form.resetFields();
    if (d.kind === 'rename') form.setFieldsValue({ name: d.category.name });
    if (d.kind === 'move') form.setFieldsValue({ parentId: d.category.parentId ?? undefined });
    if (d.kind === 'brand') form.setFieldsValue({ name: d.brand?.name ?? '' });
    setDialog(d);
  };
  const done = {
    onSuccess: () => {
      setDialog(null);
      void message.success(t('common.saved'));
    },
    onError: (e: unknown) => onError(e, form),
  };
  const submit = (v: { name?: string; parentId?: string }) => {
    if (!dialog) return;
    if (dialog.kind === 'add') createCat.mutate({ name: v.name!, parentId: dialog.parentId }, done);
    if (dialog.kind === 'rename') updateCat.mutate({ id: dialog.category.id, body: { name: v.name! } }, done);
    if (dialog.kind === 'move') updateCat.mutate({ id: dialog.category.id, body: { parentId: v.parentId ?? null } }, done);
    if (dialog.kind === 'brand' && dialog.brand) renameBrand.mutate({ id: dialog.brand.id, name: v.name! }, done);
    if (dialog.kind === 'brand' && !dialog.brand) createBrand.mutate(v.name!, done);
  };

  const renderNode = (n: CategoryNode) => (
    <Space size={4} data-testid={`category-${n.raw.name}`}>
      <span>{n.title}</span>
      <Typography.Text type="secondary">({n.raw.productCount})</Typography.Text>
      {canWrite ? (
        <>
          <Button type="link" size="small" onClick={() => open({ kind: 'add', parentId: n.raw.id })}>
            {t('catalog.taxonomy.addChild')}
          </Button>
          <Button type="link" size="small" onClick={() => open({ kind: 'rename', category: n.raw })}>
            {t('catalog.taxonomy.rename')}
          </Button>
          <Button type="link" size="small" onClick={() => open({ kind: 'move', category: n.raw })}>
            {t('catalog.taxonomy.move')}
          </Button>
          <Popconfirm title={t('catalog.taxonomy.deleteHint')} onConfirm={() => deleteCat.mutate(n.raw.id, { onError: (e) => onError(e) })}>
            <Button type="link" size="small" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </>
      ) : null}
    </Space>
  );
  const tree = categoryTree(categories.data ?? []);
  interface TreeItem {
    key: string;
    title: React.ReactNode;
    children: TreeItem[];
  }
  const toTreeData = (nodes: CategoryNode[]): TreeItem[] =>
    nodes.map((n) => ({ key: n.key, title: renderNode(n), children: toTreeData(n.children) }));

  return (
    <PageContainer title={t('catalog.taxonomy.title')} bare>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card
            title={t('catalog.taxonomy.categories')}
            extra={
              canWrite ? (
                <Button icon={<PlusOutlined />} onClick={() => open({ kind: 'add', parentId: null })} data-testid="category-add-root">
                  {t('catalog.taxonomy.addRoot')}
                </Button>
              ) : null
            }
          >
            {categories.isError ? (
              <QueryError error={categories.error} onRetry={() => void categories.refetch()} />
            ) : tree.length === 0 ? (
              <Empty description={t('catalog.taxonomy.emptyCategories')} />
            ) : (
              <Tree blockNode selectable={false} defaultExpandAll treeData={toTreeData(tree)} data-testid="category-tree" />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card
            title={t('catalog.taxonomy.brands')}
            extra={
              canWrite ? (
                <Button icon={<PlusOutlined />} onClick={() => open({ kind: 'brand', brand: null })} data-testid="brand-add">
                  {t('catalog.taxonomy.addBrand')}
                </Button>
              ) : null
            }
          >
            {brands.isError ? (
              <QueryError error={brands.error} onRetry={() => void brands.refetch()} />
            ) : (
              <Table<BrandDto>
                rowKey="id"
                size="small"
                loading={brands.isFetching}
                dataSource={brands.data ?? []}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                locale={{ emptyText: <Empty description={t('catalog.taxonomy.emptyBrands')} /> }}
                data-testid="brand-table"
                columns={[
                  { title: t('catalog.taxonomy.name'), dataIndex: 'name' },
                  { title: t('catalog.taxonomy.products'), dataIndex: 'productCount', width: 90, align: 'right' },
                  ...(canWrite
                    ? [
                        {
                          title: t('common.actions'),
                          key: 'a',
                          width: 140,
                          render: (_: unknown, b: BrandDto) => (
                            <Space size={0}>
                              <Button type="link" size="small" onClick={() => open({ kind: 'brand', brand: b })}>
                                {t('catalog.taxonomy.rename')}
                              </Button>
                              <Popconfirm
                                title={t('common.confirmDelete')}
                                onConfirm={() => deleteBrand.mutate(b.id, { onError: (e) => onError(e) })}
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
          </Card>
        </Col>
      </Row>
      <Modal
        open={dialog !== null}
        title={
          dialog?.kind === 'add'
            ? dialog.parentId
              ? t('catalog.taxonomy.addChild')
              : t('catalog.taxonomy.addRoot')
            : dialog?.kind === 'move'
              ? t('catalog.taxonomy.move')
              : dialog?.kind === 'brand' && !dialog.brand
                ? t('catalog.taxonomy.addBrand')
                : t('catalog.taxonomy.rename')
        }
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'taxonomy-submit' }}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={submit}>
          {dialog?.kind === 'move' ? (
            <Form.Item name="parentId" label={t('catalog.taxonomy.moveTo')}>
              <CategorySelect
                categories={(categories.data ?? []).filter((c) => c.id !== dialog.category.id)}
                placeholder={t('catalog.taxonomy.root')}
              />
            </Form.Item>
          ) : (
            <Form.Item
              name="name"
              label={t('catalog.taxonomy.name')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={60} data-testid="taxonomy-name" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </PageContainer>
  );
}
