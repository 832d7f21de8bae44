import { z } from 'zod';

/** Page numbers: positive whole numbers, capped so OFFSET stays sane. */
export const pageParam = z.coerce.number({ error: '应为正整数' }).int('应为正整数').min(1, '应从 1 开始').max(10_000, '太大').default(1);

export const pageQuery = z.object({ page: pageParam });

export const idParams = z.object({ id: z.coerce.number({ error: '应为数字' }).int('应为整数').min(1, '应为正整数').max(2 ** 31) });

const shortText = (max: number) => z.string().max(max, `不能超过 ${max} 个字符`);

/** /search: q may be empty (the page then asks for words). */
export const searchQuery = z.object({
  q: z.union([shortText(2000), z.array(z.string()).transform((values) => values.join(' '))]).default(''),
  category: shortText(100).optional(),
  tag: shortText(100).optional(),
  page: pageParam,
});

export const apiSearchQuery = searchQuery.extend({
  q: shortText(2000).refine((q) => q.trim().length > 0, '不能为空'),
  limit: z.coerce.number({ error: '应为 1 到 100 的整数' }).int('应为 1 到 100 的整数').min(1, '应为 1 到 100 的整数').max(100, '应为 1 到 100 的整数').default(20),
});

export const archiveParams = z.object({
  year: z.coerce.number({ error: '应为年份' }).int().min(1990, '年份太早').max(2100, '年份太晚'),
  month: z.coerce.number({ error: '应为月份' }).int('应为月份').min(1, '月份应在 1 到 12 之间').max(12, '月份应在 1 到 12 之间'),
});
