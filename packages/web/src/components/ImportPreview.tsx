import { Button, Select, Space, Table, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';

/** One file (CSV, TXT or XLSX) picked for an import: kept in the page, never uploaded by antd itself. */
export function FilePick({
  file,
  onChange,
  testId,
  label,
}: {
  file: File | null;
  onChange: (f: File | null) => void;
  testId: string;
  label: string;
}) {
  return (
    <Upload
      accept=".csv,.txt,.xlsx"
      maxCount={1}
      beforeUpload={(f) => {
        onChange(f);
        return false;
      }}
      onRemove={() => onChange(null)}
      fileList={file ? [{ uid: testId, name: file.name, status: 'done' }] : []}
    >
      <Button icon={<UploadOutlined />} data-testid={testId}>
        {label}
      </Button>
    </Upload>
  );
}

/** The first rows of an import file as the server read them, one column per header. */
export function PreviewRows({ headers, rows, columnWidth }: { headers: string[]; rows: string[][]; columnWidth: number }) {
  return (
    <Table
      size="small"
      scroll={{ x: true }}
      pagination={false}
      rowKey={(_, i) => String(i)}
      dataSource={rows.map((r) => Object.fromEntries(r.map((c, i) => [String(i), c])))}
      columns={headers.map((h, i) => ({ title: h, dataIndex: String(i), key: String(i), ellipsis: true, width: columnWidth }))}
    />
  );
}

/** `mapping` with `field` read from column `column`, or with no column when it is cleared. */
export function mapColumn<F extends string>(
  mapping: Partial<Record<F, string>>,
  field: F,
  column: string | undefined,
): Partial<Record<F, string>> {
  const next = { ...mapping };
  if (column) next[field] = column;
  else delete next[field];
  return next;
}

/**
 * Which file column each import field is read from: a grid of field labels (required ones starred)
 * and a column select each, the file's non-empty headers as options.
 */
export function ColumnMapping<F extends string>({
  fields,
  headers,
  mapping,
  onMap,
  labelWidth,
  placeholder,
  testIdPrefix,
}: {
  fields: { field: F; required: boolean; label: string }[];
  headers: string[];
  mapping: Partial<Record<F, string>>;
  onMap: (field: F, column: string | undefined) => void;
  labelWidth: number;
  placeholder: string;
  /** Test ids: `<prefix>-mapping` for the grid, `<prefix>-map-<field>` for each select. */
  testIdPrefix: string;
}) {
  return (
    <div
      style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: 8 }}
      data-testid={`${testIdPrefix}-mapping`}
    >
      {fields.map((f) => (
        <Space key={f.field}>
          <span style={{ display: 'inline-block', width: labelWidth }}>
            {f.required ? <Typography.Text type="danger">* </Typography.Text> : null}
            {f.label}
          </span>
          <Select
            allowClear
            style={{ width: 170 }}
            value={mapping[f.field]}
            placeholder={placeholder}
            onChange={(v: string | undefined) => onMap(f.field, v)}
            options={headers.filter((h) => h).map((h) => ({ value: h, label: h }))}
            data-testid={`${testIdPrefix}-map-${f.field}`}
          />
        </Space>
      ))}
    </div>
  );
}
