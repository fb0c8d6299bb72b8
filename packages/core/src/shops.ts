import { z } from 'zod';

/** Sales channels a shop can belong to. */
export const CHANNELS = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'own', 'offline'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, { zh: string; en: string }> = {
  taobao: { zh: '淘宝', en: 'Taobao' },
  tmall: { zh: '天猫', en: 'Tmall' },
  jd: { zh: '京东', en: 'JD' },
  pdd: { zh: '拼多多', en: 'Pinduoduo' },
  douyin: { zh: '抖音', en: 'Douyin' },
  own: { zh: '自有商城', en: 'Own site' },
  offline: { zh: '线下门店', en: 'Offline store' },
};

export const ChannelSchema = z.enum(CHANNELS, { message: `渠道必须是 ${CHANNELS.join(' / ')} 之一` });
