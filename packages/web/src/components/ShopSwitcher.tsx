import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { ALL_SHOPS, useShop } from './ShopContext';
import { useLabels } from './labels';

export function ShopSwitcher() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { shopId, shops, setShopId } = useShop();
  return (
    <Select
      data-testid="shop-switcher"
      aria-label={t('nav.shop')}
      value={shopId}
      onChange={setShopId}
      style={{ width: 220 }}
      showSearch={{ optionFilterProp: 'title' }}
      popupMatchSelectWidth={false}
      options={[
        { value: ALL_SHOPS, title: t('common.allShops'), label: t('common.allShops') },
        ...shops.map((s) => ({
          value: s.id,
          title: s.name,
          label: (
            <span>
              {s.name}{' '}
              <Tag style={{ marginInlineStart: 4 }} color={s.status === 'archived' ? 'default' : 'blue'}>
                {s.status === 'archived' ? t('status.archived') : labels.channel(s.channel)}
              </Tag>
            </span>
          ),
        })),
      ]}
    />
  );
}
