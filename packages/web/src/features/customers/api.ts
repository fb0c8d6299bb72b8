import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CustomerListRequest,
  CustomerSummary,
  LifecycleType,
  MemberLevel,
  MemberLevelRequest,
  MemberSettings,
  MemberSettingsRequest,
  MergeCustomersRequest,
  PointsRequest,
  Page,
  RfmMigrationRequest,
  RfmRequest,
  RfmScored,
  RfmSegment,
  RfmThresholds,
  RfmThresholdsRequest,
  SavedSegment,
  SaveSegmentRequest,
  SegmentPreviewRequest,
  SegmentSummary,
  TagCustomersRequest,
  UpdateCustomerRequest,
} from '@yunying/core';
import { api, downloadUrl, type QueryValue } from '../../api/client';

export type { CustomerSummary } from '@yunying/core';

export interface CustomerOrderRow {
  orderId: string;
  orderNo: string;
  shopId: string;
  shopName: string;
  channel: string;
  status: string;
  paid: boolean;
  paidDay: string | null;
  paidFen: number;
  refundFen: number;
  orderedAt: number;
  viaCustomerId: string;
}

export interface CustomerProfile extends CustomerSummary {
  shopName: string;
  note: string;
  asOf: string;
  purchaseCycleDays: number | null;
  ownCycle: boolean;
  expectedRepurchaseDay: string | null;
  lifecycle: LifecycleType | null;
  /** Service conversations of the buyer (and merged members) in the shop. */
  enquiries: number;
  firstPaidOrder: { orderId: string; orderNo: string; paidDay: string | null } | null;
  lastPaidOrder: { orderId: string; orderNo: string; paidDay: string | null } | null;
  rfm: RfmScored | null;
  products: { skuId: string | null; title: string; specText: string; qty: number; paidFen: number }[];
  orders: CustomerOrderRow[];
  members: (CustomerSummary & { shopName: string })[];
}

export interface RfmSummaryResponse {
  shopId: string;
  asOf: string;
  thresholds: RfmThresholds;
  thresholdsAreAverages: boolean;
  customers: number;
  segments: SegmentSummary[];
  quintiles: { r: number[]; f: number[]; m: number[] };
}

export interface RfmMigrationResponse {
  from: string;
  to: string;
  cells: { from: RfmSegment | null; to: RfmSegment; customers: number }[];
}

export const customersKey = ['customers'] as const;

export function useCustomers(query: CustomerListRequest) {
  return useQuery({
    queryKey: [...customersKey, 'list', query],
    queryFn: ({ signal }) =>
      api.get<Page<CustomerSummary> & { asOf: string | null }>('/customers', query as Record<string, QueryValue>, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: [...customersKey, 'detail', id],
    queryFn: ({ signal }) => api.get<CustomerProfile>(`/customers/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useRfm(query: RfmRequest | null) {
  return useQuery({
    queryKey: [...customersKey, 'rfm', query],
    queryFn: ({ signal }) => api.get<RfmSummaryResponse>('/customers/rfm', query as Record<string, QueryValue>, signal),
    enabled: query !== null,
  });
}

export function useRfmMigration(query: RfmMigrationRequest | null) {
  return useQuery({
    queryKey: [...customersKey, 'migration', query],
    queryFn: ({ signal }) => api.get<RfmMigrationResponse>('/customers/rfm/migration', query as Record<string, QueryValue>, signal),
    enabled: query !== null,
  });
}

export function useMergeSuggestions(shopId: string | undefined) {
  return useQuery({
    queryKey: [...customersKey, 'suggestions', shopId],
    queryFn: ({ signal }) =>
      api.get<{ items: { by: 'phone' | 'email'; customers: CustomerSummary[] }[] }>('/customers/merge-suggestions', { shopId }, signal),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: customersKey });
}

export function useUpdateCustomer(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: UpdateCustomerRequest) => api.patch(`/customers/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export function useTagCustomers() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: TagCustomersRequest) => api.post<{ tagged: number; tag: string }>('/customers/tags', body),
    onSuccess: invalidate,
  });
}

export function useSetThresholds() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (body: RfmThresholdsRequest) => api.post('/customers/rfm/thresholds', body), onSuccess: invalidate });
}

export function useMergeCustomers() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: MergeCustomersRequest) => api.post<{ targetId: string; merged: number }>('/customers/merge', body),
    onSuccess: invalidate,
  });
}

export function useSplitCustomer() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.post(`/customers/${encodeURIComponent(id)}/split`, {}), onSuccess: invalidate });
}

export function exportUrl(query: Record<string, QueryValue>): string {
  return downloadUrl('/customers/export', query);
}

// ------------------------------------------------------------------ saved segments (客户分群)

export interface SegmentPreview extends Page<CustomerSummary> {
  totalCapped: boolean;
  asOf: string;
}

export interface SavedSegmentRow extends SavedSegment {
  count: number;
  countCapped: boolean;
}

export function useSegmentPreview(body: SegmentPreviewRequest | null) {
  return useQuery({
    queryKey: [...customersKey, 'segment-preview', body],
    queryFn: () => api.post<SegmentPreview>('/customers/segments/preview', body),
    enabled: body !== null,
    placeholderData: keepPreviousData,
  });
}

export function useSegments(shopId: string | undefined) {
  return useQuery({
    queryKey: [...customersKey, 'segments', shopId],
    queryFn: ({ signal }) => api.get<{ items: SavedSegmentRow[] }>('/customers/segments', { shopId }, signal),
    enabled: !!shopId,
  });
}

export function useSaveSegment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string | undefined; body: SaveSegmentRequest }) =>
      id
        ? api.patch<SavedSegment>(`/customers/segments/${encodeURIComponent(id)}`, body)
        : api.post<SavedSegment>('/customers/segments', body),
    onSuccess: invalidate,
  });
}

export function useDeleteSegment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/customers/segments/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function segmentExportUrl(id: string, format: 'csv' | 'xlsx'): string {
  return downloadUrl(`/customers/segments/${encodeURIComponent(id)}/export`, { format });
}

// ------------------------------------------------------------------ membership (会员)

export interface MembershipResponse {
  settings: MemberSettings;
  levels: MemberLevel[];
}

export interface PointsResponse {
  balance: number;
  level: MemberLevel | null;
  levelSince: number | null;
  ledger: Page<{
    id: string;
    customerId: string;
    kind: 'earn' | 'reverse' | 'redeem' | 'adjust' | 'expire';
    points: number;
    balanceAfter: number;
    orderId: string | null;
    reason: string;
    createdAt: number;
  }>;
  levelChanges: { from: string | null; to: string | null; reason: string; at: number }[];
  /** The organisation's expiry rule in words and the points that expire by the next expiry day unless used. */
  expiry: { rule: string; mode: 'none' | 'years' | 'months'; n: number; nextDay: string | null; expiringPoints: number };
}

export function useMembership() {
  return useQuery({
    queryKey: [...customersKey, 'membership'],
    queryFn: ({ signal }) => api.get<MembershipResponse>('/customers/membership', undefined, signal),
  });
}

export function useSaveMemberSettings() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: MemberSettingsRequest) => api.post<MemberSettings>('/customers/membership/settings', body),
    onSuccess: invalidate,
  });
}

export function useSaveLevel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string | undefined; body: MemberLevelRequest }) =>
      id
        ? api.patch<MemberLevel>(`/customers/membership/levels/${encodeURIComponent(id)}`, body)
        : api.post<MemberLevel>('/customers/membership/levels', body),
    onSuccess: invalidate,
  });
}

export function useDeleteLevel() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/customers/membership/levels/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export function usePoints(id: string, page: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: [...customersKey, 'points', id, page],
    queryFn: ({ signal }) => api.get<PointsResponse>(`/customers/${encodeURIComponent(id)}/points`, page, signal),
    placeholderData: keepPreviousData,
  });
}

export function useChangePoints(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: PointsRequest) => api.post<{ balance: number; points: number }>(`/customers/${encodeURIComponent(id)}/points`, body),
    onSuccess: invalidate,
  });
}
