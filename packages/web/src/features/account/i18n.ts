import type { FeatureTexts } from '../../modules/types';

/** UI text of the notification emails in 个人设置 and the bell's digest (top-level key `notifyMail`), zh-CN first, identical keys in en. */
export const notifyMailTexts: FeatureTexts = {
  'zh-CN': {
    notifyMail: {
      title: '邮件提醒',
      intro: '除了右上角的通知铃铛，以下提醒也可以发到你的邮箱。',
      address: '收件邮箱：{{email}}',
      noAddress: '你的账号还没有填写邮箱，收不到邮件提醒。请联系管理员在 用户 中为你填写。',
      noSmtp: '本组织还没有配置邮件发送（触达 → 发送设置），开启后暂时不会发出邮件。',
      kinds: {
        review_negative: '中差评提醒',
        digest: '每日早报',
      },
      hints: {
        review_negative: '店铺收到中评或差评时立即发一封，每条评价只发一次',
        digest: '每天早上 8 点：我的待办、今日自查、指派给我的诊断',
      },
      unavailable: '需要“查看评价”权限',
      saved: '已保存',
      recent: '最近的提醒邮件',
      noRecent: '还没有发出过提醒邮件',
      attempts: '尝试 {{n}} 次',
      status: {
        pending: '待发送',
        sending: '发送中',
        sent: '已发送',
        failed: '发送失败',
        unknown: '状态不明',
      },
      unknownHint: '发送过程中断，邮件服务器可能已经收到；为避免重复，不会再发',
      bell: {
        forYou: '给你的',
        openChecks: '去今日自查',
      },
    },
  },
  en: {
    notifyMail: {
      title: 'Email alerts',
      intro: 'Besides the bell at the top right, these alerts can also go to your mailbox.',
      address: 'Email address: {{email}}',
      noAddress: 'Your account has no email address, so no email alerts can reach you. Ask an administrator to add one under Users.',
      noSmtp: 'Email sending is not set up for your organisation yet (Outreach → Sending settings): nothing is sent until it is.',
      kinds: {
        review_negative: 'Negative review alerts',
        digest: 'Morning digest',
      },
      hints: {
        review_negative: 'One email as soon as a shop gets a neutral or negative review, once per review',
        digest: 'Every morning at 08:00: my tasks, today’s self-checks, findings assigned to me',
      },
      unavailable: 'Needs the “View reviews” permission',
      saved: 'Saved',
      recent: 'Latest alert emails',
      noRecent: 'No alert emails sent yet',
      attempts: '{{n}} attempt(s)',
      status: {
        pending: 'Pending',
        sending: 'Sending',
        sent: 'Sent',
        failed: 'Failed',
        unknown: 'Unknown',
      },
      unknownHint: 'Sending was cut off and the mail server may have it; it is not sent again to avoid a duplicate',
      bell: {
        forYou: 'For you',
        openChecks: 'Open self-checks',
      },
    },
  },
};
