/**
 * A user's own display preferences, stored with the account on the server (so they follow the
 * user to every browser). Today one: the colour of a rise.
 */
import { z } from 'zod';

/**
 * The colour of a rise in every change shown (cards, tables, charts): red, the Chinese market
 * convention (生意参谋, 千牛, stock quotes), or green for those used to the Western one. A fall
 * takes the other colour.
 */
export const RISE_COLORS = ['red', 'green'] as const;
export type RiseColor = (typeof RISE_COLORS)[number];
export const DEFAULT_RISE_COLOR: RiseColor = 'red';

export const PreferencesBody = z.object({
  riseColor: z.enum(RISE_COLORS, { message: '涨跌颜色应为 red（红涨绿跌）或 green（绿涨红跌）' }),
});
export type PreferencesRequest = z.input<typeof PreferencesBody>;
export type PreferencesInput = z.output<typeof PreferencesBody>;
