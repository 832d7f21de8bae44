import type { z } from 'zod';

/** An error whose message a reader may see: 4xx only. */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = '页面') => new PageError(404, `没有找到这个${what}。`);

/** Parses request input with a schema, or throws a 400 naming the bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '参数';
  throw new PageError(400, `参数 ${field} 无效：${issue?.message ?? '格式不对'}`);
}
