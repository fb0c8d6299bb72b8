import { useState } from 'react';
import { Alert, Button, Flex, Modal, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ImportResult, ImportRowError } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useApiError } from '../../components/useApiError';
import { downloadUrl, useImportProducts } from './api';

export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const onError = useApiError();
  const imp = useImportProducts();
  const [result, setResult] = useState<ImportResult | null>(null);

  const close = () => {
    setResult(null);
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('catalog.import.title')}
      onCancel={close}
      footer={<Button onClick={close}>{t('common.close')}</Button>}
      width={760}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('catalog.import.intro')}</Typography.Paragraph>
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text>{t('catalog.import.template')}:</Typography.Text>
        <a href={downloadUrl('/products/import-template?format=xlsx')} data-testid="import-template-xlsx">
          {t('catalog.import.templateXlsx')}
        </a>
        <a href={downloadUrl('/products/import-template?format=csv')} data-testid="import-template-csv">
          {t('catalog.import.templateCsv')}
        </a>
      </Flex>
      <Upload.Dragger
        accept=".xlsx,.csv"
        showUploadList={false}
        disabled={imp.isPending}
        customRequest={({ file }) => {
          setResult(null);
          imp.mutate({ target: '', file: file as File, csrf: me.csrfToken }, { onSuccess: setResult, onError: (e) => onError(e) });
        }}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p>{t('catalog.import.drop')}</p>
      </Upload.Dragger>
      {result ? (
        <div style={{ marginTop: 16 }} data-testid="import-result">
          <Alert
            type={result.errors.length ? 'warning' : 'success'}
            showIcon
            title={t('catalog.import.result', { created: result.created, updated: result.updated })}
            description={result.errors.length ? t('catalog.import.errors', { count: result.errors.length }) : t('catalog.import.noErrors')}
          />
          {result.errors.length ? (
            <Table<ImportRowError>
              style={{ marginTop: 12 }}
              size="small"
              rowKey={(e) => `${e.row}-${e.column}-${e.reason}`}
              dataSource={result.errors}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('catalog.import.row'), dataIndex: 'row', width: 70 },
                { title: t('catalog.import.column'), dataIndex: 'column', width: 130 },
                { title: t('catalog.import.value'), dataIndex: 'value', width: 120, ellipsis: true },
                { title: t('catalog.import.reason'), dataIndex: 'reason' },
              ]}
              data-testid="import-errors"
            />
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
