import { Button, Dropdown } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, currentLang, setLang, type Lang } from '../i18n';

export function LangSwitch() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : currentLang();
  const label = LANGUAGES.find((l) => l.code === lang)?.label ?? lang;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectedKeys: [lang],
        items: LANGUAGES.map((l) => ({ key: l.code, label: l.label, 'data-testid': `lang-${l.code}` })),
        onClick: ({ key }) => void setLang(key as Lang),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} data-testid="lang-switch" aria-label={t('nav.language')}>
        {label}
      </Button>
    </Dropdown>
  );
}
