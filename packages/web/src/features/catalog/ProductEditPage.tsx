import { useState } from 'react';
import { App, Button, Card, Col, Flex, Form, Input, Result, Row, Select } from 'antd';
import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  canProductTransition,
  MAX_SKUS_PER_PRODUCT,
  normalizeSpecDims,
  parseYuan,
  PRODUCT_STATUSES,
  skuCount,
  type ProductDto,
  type ProductStatus,
  type SpecDim,
} from '@yunying/core';
import { isApiError } from '../../api/client';
import { useAuth } from '../../components/AuthContext';
import { fenToYuanText } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useBrands, useCategories, useCreateProduct, useProduct, useTags, useUpdateProduct } from './api';
import { CreateTaskButton } from '../tasks/CreateTaskButton';
import { CheckCard, ImagesCard, ListingsCard } from './ProductPanels';
import { CategorySelect } from './shared';
import { rowsForDims, SkuTable, SpecDimsEditor, type SkuRow } from './SkuEditor';

interface FormValues {
  title: string;
  code?: string;
  categoryId?: string;
  brandId?: string;
  tags: string[];
  sellingPoints: string;
  description: string;
  status: ProductStatus;
}

export function ProductEditPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const product = useProduct(isNew ? undefined : id);
  const { t } = useTranslation();
  if (!isNew && product.isLoading) return <Loading />;
  if (!isNew && product.isError) {
    if (isApiError(product.error) && product.error.status === 404)
      return <Result status="404" title={t('catalog.edit.notFound')} extra={<Link to="/products">{t('catalog.edit.back')}</Link>} />;
    return <QueryError error={product.error} onRetry={() => void product.refetch()} />;
  }
  return <ProductForm key={product.data?.id ?? 'new'} product={isNew ? undefined : product.data} />;
}

function rowsFromProduct(p: ProductDto): SkuRow[] {
  return p.skus.map((s) => ({
    key: s.specText || '-',
    id: s.id,
    spec: s.spec,
    specText: s.specText,
    code: s.code,
    barcode: s.barcode ?? '',
    price: fenToYuanText(s.priceFen),
    cost: fenToYuanText(s.costFen),
    weight: String(s.weightG),
    status: s.status,
  }));
}

function ProductForm({ product }: { product?: ProductDto | undefined }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const [form] = Form.useForm<FormValues>();
  const canWrite = can('products.write');
  const showCost = can('products.cost.read');
  const canPrice = can('products.price.write');
  const categories = useCategories();
  const brands = useBrands();
  const tags = useTags();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const [dims, setDims] = useState<SpecDim[]>(product?.specDims ?? []);
  const [rows, setRows] = useState<SkuRow[]>(() => (product ? rowsFromProduct(product) : rowsForDims([], [], '')));
  const [skuError, setSkuError] = useState<string | null>(null);

  const changeDims = (next: SpecDim[]) => {
    setDims(next);
    if (skuCount(next) <= MAX_SKUS_PER_PRODUCT) setRows(rowsForDims(next, rows, (form.getFieldValue('code') as string | undefined) ?? ''));
  };

  const buildSkus = () => {
    const out = [];
    for (const [i, r] of rows.entries()) {
      const row = i + 1;
      if (!r.code.trim()) throw new Error(t('catalog.edit.missingCode', { row }));
      const priceFen = parseYuan(r.price || '0');
      if (priceFen === null || priceFen < 0) throw new Error(t('catalog.edit.invalidMoney', { row, field: t('catalog.edit.priceYuan') }));
      let costFen: number | undefined;
      if (showCost) {
        const c = parseYuan(r.cost || '0');
        if (c === null || c < 0) throw new Error(t('catalog.edit.invalidMoney', { row, field: t('catalog.edit.costYuan') }));
        costFen = c;
      }
      const weightG = Number(r.weight || '0');
      if (!Number.isInteger(weightG) || weightG < 0) throw new Error(t('catalog.edit.invalidWeight', { row }));
      out.push({
        ...(r.id ? { id: r.id } : {}),
        spec: r.spec,
        code: r.code.trim(),
        barcode: r.barcode.trim() || null,
        priceFen,
        ...(costFen !== undefined ? { costFen } : {}),
        weightG,
        status: r.status,
      });
    }
    return out;
  };

  const submit = (v: FormValues) => {
    let skus;
    try {
      skus = buildSkus();
      setSkuError(null);
    } catch (e) {
      setSkuError((e as Error).message);
      void message.error((e as Error).message);
      return;
    }
    const specDims = normalizeSpecDims(dims);
    const body = {
      title: v.title,
      code: v.code?.trim() || null,
      categoryId: v.categoryId ?? null,
      brandId: v.brandId ?? null,
      tags: v.tags ?? [],
      sellingPoints: v.sellingPoints ?? '',
      description: v.description ?? '',
      specDims,
      status: v.status,
      skus,
    };
    if (!product) {
      create.mutate(body, {
        onSuccess: (p) => {
          void message.success(t('catalog.edit.created'));
          navigate(`/products/${p.id}`, { replace: true });
        },
        onError: (e) => onError(e, form),
      });
    } else {
      update.mutate(
        { id: product.id, body },
        {
          onSuccess: (p) => {
            // New SKUs now have ids: take the saved rows so a second save updates instead of adding.
            setRows(rowsFromProduct(p));
            setDims(p.specDims);
            void message.success(t('catalog.edit.saved'));
          },
          onError: (e) => onError(e, form),
        },
      );
    }
  };

  const statusOptions = PRODUCT_STATUSES.filter((s) => !product || canProductTransition(product.status, s)).map((s) => ({
    value: s,
    label: t(`catalog.status.${s}`),
  }));

  return (
    <PageContainer
      title={product ? t('catalog.edit.editTitle') : t('catalog.edit.createTitle')}
      bare
      extra={
        <>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/products')}>
            {t('catalog.edit.back')}
          </Button>
          {product ? <CreateTaskButton kind="product" id={product.id} label={product.title} /> : null}
          {canWrite ? (
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={create.isPending || update.isPending}
              onClick={() => form.submit()}
              data-testid="product-save"
            >
              {t('catalog.edit.save')}
            </Button>
          ) : null}
        </>
      }
    >
      <Flex vertical gap={16}>
        <Card title={t('catalog.edit.basic')}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            disabled={!canWrite}
            onFinish={submit}
            initialValues={
              product
                ? {
                    title: product.title,
                    code: product.code ?? '',
                    categoryId: product.categoryId ?? undefined,
                    brandId: product.brandId ?? undefined,
                    tags: product.tags,
                    sellingPoints: product.sellingPoints,
                    description: product.description,
                    status: product.status,
                  }
                : { tags: [], sellingPoints: '', description: '', status: 'draft' }
            }
          >
            <Row gutter={16}>
              <Col xs={24} md={16}>
                <Form.Item
                  name="title"
                  label={t('catalog.edit.title')}
                  rules={[{ required: true, whitespace: true, message: t('catalog.edit.titleRequired') }]}
                >
                  <Input maxLength={200} showCount data-testid="product-title" />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="code" label={t('catalog.edit.code')} extra={t('catalog.edit.codeHint')}>
                  <Input maxLength={60} onChange={(e) => setRows(rowsForDims(dims, rows, e.target.value))} data-testid="product-code" />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="categoryId" label={t('catalog.edit.category')}>
                  <CategorySelect categories={categories.data ?? []} testId="product-category" />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="brandId" label={t('catalog.edit.brand')}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    options={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
                    data-testid="product-brand"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={8}>
                <Form.Item name="status" label={t('catalog.edit.status')}>
                  <Select options={statusOptions} data-testid="product-status" />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item name="tags" label={t('catalog.edit.tags')}>
                  <Select
                    mode="tags"
                    options={(tags.data ?? []).map((x) => ({ value: x.tag, label: x.tag }))}
                    tokenSeparators={[',', '，']}
                    data-testid="product-tags"
                  />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item name="sellingPoints" label={t('catalog.edit.sellingPoints')}>
                  <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="product-selling-points" />
                </Form.Item>
              </Col>
              <Col span={24}>
                <Form.Item name="description" label={t('catalog.edit.description')}>
                  <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={20000} data-testid="product-description" />
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </Card>
        <Card title={t('catalog.edit.specs')}>
          <SpecDimsEditor dims={dims} onChange={changeDims} disabled={!canWrite} />
          {skuError ? (
            <div style={{ color: '#cf1322', marginTop: 8 }} data-testid="sku-error">
              {skuError}
            </div>
          ) : null}
          <SkuTable rows={rows} onChange={setRows} showCost={showCost} canPrice={canPrice} isNew={!product} />
        </Card>
        {product ? (
          <>
            <ImagesCard product={product} canWrite={canWrite} />
            <ListingsCard product={product} canWrite={canWrite} />
            <CheckCard productId={product.id} />
          </>
        ) : (
          <Card>
            <span style={{ color: '#888' }}>{t('catalog.images.saveFirst')}</span>
          </Card>
        )}
      </Flex>
    </PageContainer>
  );
}
