import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReportExportRequest, ReportRequest, ReportResponse } from '@yunying/core';
import { api, downloadUrl } from '../../api/client';

export function useReport(q: ReportRequest) {
  return useQuery({
    queryKey: ['reports', q.kind, q.shopId ?? 'all', q.date ?? ''],
    queryFn: ({ signal }) => api.get<ReportResponse>(`/reports/${q.kind}`, { shopId: q.shopId, date: q.date }, signal),
    placeholderData: keepPreviousData,
  });
}

/** The download link of a report export (the browser saves it; the cookie goes along). */
export function reportExportUrl(q: ReportExportRequest): string {
  return downloadUrl(`/reports/${q.kind}/export`, { shopId: q.shopId, date: q.date, format: q.format });
}
