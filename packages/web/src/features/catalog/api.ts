import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BannedWordDto,
  BannedWordRequest,
  BatchProductsRequest,
  BrandDto,
  CategoryDto,
  CategoryRequest,
  CreateProductRequest,
  ImageOrderRequest,
  ImportResult,
  ListingDto,
  ListingsRequest,
  Page,
  ProductCheck,
  ProductDto,
  ProductImageDto,
  ProductListItem,
  UpdateBannedWordRequest,
  UpdateCategoryRequest,
  UpdateProductRequest,
} from '@yunying/core';
import { api, API_BASE, ApiError, request } from '../../api/client';
import i18n from '../../i18n';

export const catalogKey = ['catalog'] as const;

/** The list query as the page holds it (a status read from the URL is checked by the server). */
export interface ProductQuery {
  q?: string | undefined;
  status?: string | undefined;
  categoryId?: string | undefined;
  brandId?: string | undefined;
  tag?: string | undefined;
  page: number;
  pageSize: number;
}

export function useProducts(query: ProductQuery) {
  return useQuery({
    queryKey: [...catalogKey, 'products', query],
    queryFn: ({ signal }) => api.get<Page<ProductListItem>>('/products', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string | undefined) {
  return useQuery({
    queryKey: [...catalogKey, 'product', id],
    queryFn: ({ signal }) => api.get<ProductDto>(`/products/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: !!id,
  });
}

export function useProductCheck(id: string | undefined) {
  return useQuery({
    queryKey: [...catalogKey, 'check', id],
    queryFn: ({ signal }) => api.get<ProductCheck>(`/products/${encodeURIComponent(id!)}/check`, undefined, signal),
    enabled: !!id,
  });
}

export function useCheckReport() {
  return useQuery({
    queryKey: [...catalogKey, 'check-report'],
    queryFn: ({ signal }) => api.get<{ items: ProductCheck[]; checked: number }>('/products/check-report', undefined, signal),
  });
}

export function useCategories() {
  return useQuery({
    queryKey: [...catalogKey, 'categories'],
    queryFn: ({ signal }) => api.get<{ items: CategoryDto[] }>('/categories', undefined, signal).then((r) => r.items),
  });
}

export function useBrands() {
  return useQuery({
    queryKey: [...catalogKey, 'brands'],
    queryFn: ({ signal }) => api.get<{ items: BrandDto[] }>('/brands', undefined, signal).then((r) => r.items),
  });
}

export function useTags() {
  return useQuery({
    queryKey: [...catalogKey, 'tags'],
    queryFn: ({ signal }) => api.get<{ items: { tag: string; count: number }[] }>('/products/tags', undefined, signal).then((r) => r.items),
  });
}

export function useBannedWords() {
  return useQuery({
    queryKey: [...catalogKey, 'words'],
    queryFn: ({ signal }) => api.get<{ items: BannedWordDto[] }>('/banned-words', undefined, signal).then((r) => r.items),
  });
}

/** Every catalogue query is refreshed after any catalogue change: lists, details, checks all relate. */
function useCatalogMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: catalogKey }) });
}

export const useCreateProduct = () => useCatalogMutation((body: CreateProductRequest) => api.post<ProductDto>('/products', body));
export const useUpdateProduct = () =>
  useCatalogMutation(({ id, body }: { id: string; body: UpdateProductRequest }) =>
    api.patch<ProductDto>(`/products/${encodeURIComponent(id)}`, body),
  );
export const useBatchProducts = () =>
  useCatalogMutation((body: BatchProductsRequest) => api.post<{ products: number; skus: number }>('/products/batch', body));
export const useSaveListings = () =>
  useCatalogMutation(({ id, items }: { id: string; items: ListingsRequest['items'] }) =>
    request<{ items: ListingDto[] }>('PUT', `/products/${encodeURIComponent(id)}/listings`, { body: { items } }),
  );
export const useReorderImages = () =>
  useCatalogMutation(({ id, ids }: { id: string } & ImageOrderRequest) =>
    api.post<{ items: ProductImageDto[] }>(`/products/${encodeURIComponent(id)}/images/reorder`, { ids }),
  );
export const useDeleteImage = () =>
  useCatalogMutation(({ id, imageId }: { id: string; imageId: string }) =>
    api.delete(`/products/${encodeURIComponent(id)}/images/${encodeURIComponent(imageId)}`),
  );

export const useCreateCategory = () => useCatalogMutation((body: CategoryRequest) => api.post<CategoryDto>('/categories', body));
export const useUpdateCategory = () =>
  useCatalogMutation(({ id, body }: { id: string; body: UpdateCategoryRequest }) =>
    api.patch<CategoryDto>(`/categories/${encodeURIComponent(id)}`, body),
  );
export const useDeleteCategory = () => useCatalogMutation((id: string) => api.delete(`/categories/${encodeURIComponent(id)}`));
export const useCreateBrand = () => useCatalogMutation((name: string) => api.post<BrandDto>('/brands', { name }));
export const useRenameBrand = () =>
  useCatalogMutation(({ id, name }: { id: string; name: string }) => api.patch<BrandDto>(`/brands/${encodeURIComponent(id)}`, { name }));
export const useDeleteBrand = () => useCatalogMutation((id: string) => api.delete(`/brands/${encodeURIComponent(id)}`));

export const useCreateWord = () => useCatalogMutation((body: BannedWordRequest) => api.post<BannedWordDto>('/banned-words', body));
export const useUpdateWord = () =>
  useCatalogMutation(({ id, body }: { id: string; body: UpdateBannedWordRequest }) =>
    api.patch(`/banned-words/${encodeURIComponent(id)}`, body),
  );
export const useDeleteWord = () => useCatalogMutation((id: string) => api.delete(`/banned-words/${encodeURIComponent(id)}`));
export const useAddExemption = () =>
  useCatalogMutation(({ id, phrase, productId }: { id: string; phrase: string; productId?: string | null }) =>
    api.post(`/banned-words/${encodeURIComponent(id)}/exemptions`, { phrase, productId: productId || null }),
  );
export const useDeleteExemption = () =>
  useCatalogMutation((id: string) => api.delete(`/banned-words/exemptions/${encodeURIComponent(id)}`));

/** Upload one file as multipart (the JSON client cannot), with the CSRF token and problem+json errors. */
export async function uploadFile<T>(path: string, file: File, csrfToken: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method: 'POST', body: form, credentials: 'include', headers: { 'x-csrf-token': csrfToken } });
  } catch {
    throw new ApiError({ status: 0, code: 'network', detail: i18n.t('errors.network') });
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new ApiError({
      status: res.status,
      code: typeof data.code === 'string' ? data.code : 'http_error',
      detail: typeof data.detail === 'string' ? data.detail : i18n.t('errors.http', { status: res.status }),
    });
  return data as T;
}

export function useUpload<T>(path: (v: string) => string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ target, file, csrf }: { target: string; file: File; csrf: string }) => uploadFile<T>(path(target), file, csrf),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKey }),
  });
}

export const useImportProducts = () => useUpload<ImportResult>(() => '/products/import');
export const useUploadImage = () => useUpload<ProductImageDto>((id) => `/products/${encodeURIComponent(id)}/images`);

/** A same-origin link that downloads with the session cookie. */
export const downloadUrl = (path: string) => `${API_BASE}${path}`;
