/** Believable (and fictional) Chinese buyer nicks, receiver names, phones and addresses. */
import { Rng } from './prng.js';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢';
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '婷',
  '雪',
  '琳',
  '晨',
  '欣怡',
  '子涵',
  '梓萱',
  '浩然',
  '宇轩',
  '思远',
  '佳怡',
  '雨桐',
  '一诺',
  '嘉怡',
  '文博',
  '晓东',
  '海燕',
  '建华',
  '志强',
  '丹丹',
  '慧敏',
  '梦瑶',
  '俊杰',
  '诗涵',
];
const NICK_A = [
  '爱吃橘子的',
  '晴天',
  '小鹿',
  '慢慢',
  '温柔的',
  '认真生活的',
  '今天也要',
  '月亮',
  '星星',
  '快乐',
  '一只',
  '夏天的',
  '奶油',
  '柠檬',
  '南方的',
  '北方的',
];
const NICK_B = ['猫', '小熊', '鱼', '兔子', '阿宝', '同学', '木木', '豆豆', '团子', '小王', '糖', '树', '风', '麦子', '橙子', '布丁'];
const CITIES: readonly (readonly [string, string, readonly string[]])[] = [
  ['浙江省', '杭州市', ['西湖区', '余杭区', '滨江区', '拱墅区']],
  ['浙江省', '宁波市', ['鄞州区', '海曙区']],
  ['江苏省', '南京市', ['鼓楼区', '建邺区', '江宁区']],
  ['江苏省', '苏州市', ['工业园区', '姑苏区', '吴中区']],
  ['上海市', '上海市', ['浦东新区', '闵行区', '徐汇区', '杨浦区']],
  ['北京市', '北京市', ['朝阳区', '海淀区', '丰台区']],
  ['广东省', '广州市', ['天河区', '番禺区', '白云区']],
  ['广东省', '深圳市', ['南山区', '福田区', '宝安区', '龙岗区']],
  ['四川省', '成都市', ['武侯区', '高新区', '锦江区']],
  ['湖北省', '武汉市', ['洪山区', '江汉区', '武昌区']],
  ['湖南省', '长沙市', ['岳麓区', '雨花区']],
  ['福建省', '厦门市', ['思明区', '湖里区']],
  ['山东省', '青岛市', ['市南区', '崂山区']],
  ['河南省', '郑州市', ['金水区', '郑东新区']],
  ['陕西省', '西安市', ['雁塔区', '未央区']],
  ['重庆市', '重庆市', ['渝北区', '南岸区']],
  ['天津市', '天津市', ['南开区', '河西区']],
  ['安徽省', '合肥市', ['蜀山区', '包河区']],
];
const ROADS = ['人民路', '建设路', '中山路', '解放路', '文一西路', '长江路', '和平路', '新华路', '学院路', '滨江大道', '幸福路', '光明路'];
const COMMUNITIES = [
  '阳光花园',
  '锦绣家园',
  '翡翠城',
  '金色港湾',
  '蓝湾国际',
  '书香苑',
  '和园',
  '云栖小区',
  '绿城桂花园',
  '万科城',
  '保利香槟国际',
  '华润置地',
];
const PHONE_PREFIX = [
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '177',
  '180',
  '181',
  '186',
  '187',
  '188',
  '189',
  '199',
];

export interface Person {
  nick: string;
  name: string;
  phone: string;
  address: string;
  /** '' when the buyer left none (reserved example domains only). */
  email: string;
}

/** Share of buyers with an email address: most own-site members registered with one, few marketplace buyers. */
const EMAIL_SHARE: Record<string, number> = { own: 0.6, tmall: 0.08, jd: 0.1, douyin: 0.04 };
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.test'];

/** A buyer's email from a stream of its own (so no other draw moves); a cross-channel person keeps one address. */
function emailFor(seed: number, shopKey: string, channel: string, visitorNo: number, cross: boolean): string {
  const r = cross ? Rng.of(seed, 'cross-email', visitorNo) : Rng.of(seed, 'email', shopKey, visitorNo);
  if (!r.chance(cross ? 0.3 : (EMAIL_SHARE[channel] ?? 0.05))) return '';
  return `${r.chars(r.int(5, 9), 'abcdefghijkmnpqrstuvwxyz')}${r.chance(0.5) ? r.int(1, 2025) : ''}@${r.pick(EMAIL_DOMAINS)}`;
}

/** The same person for the same (seed, shop, visitor number): repeat buyers keep their nick. */
export function personFor(seed: number, shopKey: string, channel: string, visitorNo: number): Person {
  const r = Rng.of(seed, 'person', shopKey, visitorNo);
  const surname = SURNAMES[r.int(0, SURNAMES.length - 1)]!;
  const name = surname + r.pick(GIVEN);
  let nick: string;
  if (channel === 'jd') nick = `jd_${r.chars(10, 'abcdefghijkmnpqrstuvwxyz23456789')}`;
  else if (channel === 'own') nick = `微信用户_${r.chars(5, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`;
  else if (channel === 'douyin') nick = `${r.pick(NICK_A)}${r.pick(NICK_B)}${r.int(1, 9999)}`;
  else nick = r.chance(0.4) ? `tb${r.chars(9, '0123456789')}` : `${r.pick(NICK_A)}${r.pick(NICK_B)}${r.chance(0.5) ? r.int(10, 2025) : ''}`;
  const phone = r.pick(PHONE_PREFIX) + r.chars(8, '0123456789');
  const [prov, city, districts] = r.pick(CITIES);
  const district = r.pick(districts);
  const address = `${prov}${prov === city ? '' : city}${district}${r.pick(ROADS)}${r.int(1, 999)}号${r.pick(COMMUNITIES)}${r.int(1, 30)}幢${r.int(1, 3)}单元${r.int(1, 32)}0${r.int(1, 4)}室`;
  // About one visitor number in twelve is one person shopping in every shop: each channel has
  // its own nick, but the receiver (name, phone, address) is the same — the cross-channel buyers
  // the customers module suggests merging (drawn from a stream of its own, so no other draw moves).
  const cross = Rng.of(seed, 'cross-person', visitorNo);
  if (cross.chance(CROSS_CHANNEL_SHARE)) {
    const sameName = SURNAMES[cross.int(0, SURNAMES.length - 1)]! + cross.pick(GIVEN);
    const samePhone = cross.pick(PHONE_PREFIX) + cross.chars(8, '0123456789');
    const [p, c, ds] = cross.pick(CITIES);
    const sameAddress = `${p}${p === c ? '' : c}${cross.pick(ds)}${cross.pick(ROADS)}${cross.int(1, 999)}号`;
    return { nick, name: sameName, phone: samePhone, address: sameAddress, email: emailFor(seed, shopKey, channel, visitorNo, true) };
  }
  return { nick, name, phone, address, email: emailFor(seed, shopKey, channel, visitorNo, false) };
}

/** Share of visitor numbers that are one person across all the shops (same receiver phone). */
export const CROSS_CHANNEL_SHARE = 1 / 12;

export const BUYER_NOTES = [
  '请尽快发货，谢谢',
  '送人的，请不要放价格单',
  '麻烦包装好一点',
  '能发顺丰吗？',
  '周末才在家，请工作日送达',
  '颜色请按图片发',
];
export const SELLER_MEMOS = ['老客户，已备注赠品', '已电话确认地址', '优先发货', '赠送试用装'];
