import type { ReactNode } from 'react';
import { Modal, type FormInstance, type ModalProps } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The modal of an edit or create form: OK ("save") submits `form`, cancel closes, OK spins while
 * saving, and the content (the form with its values) is destroyed when closed.
 */
export function SaveModal({
  form,
  saving,
  onClose,
  submitTestId,
  children,
  ...rest
}: {
  form: FormInstance;
  saving: boolean;
  onClose: () => void;
  /** The OK button's test id. */
  submitTestId?: string;
  children: ReactNode;
} & Pick<ModalProps, 'open' | 'title' | 'width'> & { 'data-testid'?: string }) {
  const { t } = useTranslation();
  return (
    <Modal
      {...rest}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      {...(submitTestId ? { okButtonProps: { 'data-testid': submitTestId } as ModalProps['okButtonProps'] } : {})}
      destroyOnHidden
    >
      {children}
    </Modal>
  );
}
