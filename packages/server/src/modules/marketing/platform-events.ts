/**
 * The platforms' big sales on the activity calendar, with each year's dates as data (the main
 * selling window, China time; pre-sale periods are left to the shop's own activities). Add a year
 * by adding its rows; the calendar shows the events of the month it displays.
 */
export interface PlatformEvent {
  key: string;
  name: string;
  channels: string[];
  startDay: string;
  endDay: string;
}

export const PLATFORM_EVENTS: readonly PlatformEvent[] = [
  {
    key: 'nianhuo-2026',
    name: '年货节',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2026-01-10',
    endDay: '2026-02-08',
  },
  { key: '38-2026', name: '三八女王节', channels: ['taobao', 'tmall', 'jd', 'douyin'], startDay: '2026-03-01', endDay: '2026-03-08' },
  {
    key: '618-2026',
    name: '618 年中大促',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2026-05-31',
    endDay: '2026-06-18',
  },
  { key: '99-2026', name: '99 大促', channels: ['taobao', 'tmall', 'pdd'], startDay: '2026-09-01', endDay: '2026-09-09' },
  {
    key: 'double11-2026',
    name: '双 11',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2026-10-31',
    endDay: '2026-11-11',
  },
  { key: 'double12-2026', name: '双 12', channels: ['taobao', 'tmall', 'jd', 'pdd'], startDay: '2026-12-10', endDay: '2026-12-12' },
  {
    key: 'nianhuo-2027',
    name: '年货节',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2027-01-05',
    endDay: '2027-01-28',
  },
  { key: '38-2027', name: '三八女王节', channels: ['taobao', 'tmall', 'jd', 'douyin'], startDay: '2027-03-01', endDay: '2027-03-08' },
  {
    key: '618-2027',
    name: '618 年中大促',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2027-05-31',
    endDay: '2027-06-18',
  },
  { key: '99-2027', name: '99 大促', channels: ['taobao', 'tmall', 'pdd'], startDay: '2027-09-01', endDay: '2027-09-09' },
  {
    key: 'double11-2027',
    name: '双 11',
    channels: ['taobao', 'tmall', 'jd', 'pdd', 'douyin'],
    startDay: '2027-10-31',
    endDay: '2027-11-11',
  },
  { key: 'double12-2027', name: '双 12', channels: ['taobao', 'tmall', 'jd', 'pdd'], startDay: '2027-12-10', endDay: '2027-12-12' },
];

/** The events overlapping [from, to] (days), for a shop's channel ('own'/'offline' see all). */
export function eventsBetween(from: string, to: string, channel?: string): PlatformEvent[] {
  return PLATFORM_EVENTS.filter(
    (e) => e.startDay <= to && e.endDay >= from && (!channel || channel === 'own' || channel === 'offline' || e.channels.includes(channel)),
  );
}
