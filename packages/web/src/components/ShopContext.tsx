import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Shop } from '@yunying/core';

export const ALL_SHOPS = 'all';
export const SHOP_STORAGE_KEY = 'yy.shop';

export interface ShopValue {
  /** The chosen shop id, or `ALL_SHOPS`. */
  shopId: string;
  /** The chosen shop, or null for all shops. */
  shop: Shop | null;
  shops: Shop[];
  setShopId: (id: string) => void;
}

const ShopContext = createContext<ShopValue | null>(null);

function readStored(): string {
  try {
    return localStorage.getItem(SHOP_STORAGE_KEY) ?? ALL_SHOPS;
  } catch {
    return ALL_SHOPS;
  }
}

export function ShopProvider({ shops, children }: { shops: Shop[]; children: ReactNode }) {
  const [stored, setStored] = useState<string>(readStored);
  const setShopId = useCallback((id: string) => {
    try {
      localStorage.setItem(SHOP_STORAGE_KEY, id);
    } catch {
      // ignore: the choice then lasts for this page only
    }
    setStored(id);
  }, []);
  const value = useMemo<ShopValue>(() => {
    // A remembered shop the user can no longer access falls back to all shops.
    const shop = shops.find((s) => s.id === stored) ?? null;
    return { shopId: shop ? shop.id : ALL_SHOPS, shop, shops, setShopId };
  }, [shops, stored, setShopId]);
  return <ShopContext.Provider value={value}>{children}</ShopContext.Provider>;
}

export function useShop(): ShopValue {
  const v = useContext(ShopContext);
  if (!v) throw new Error('useShop outside ShopProvider');
  return v;
}
