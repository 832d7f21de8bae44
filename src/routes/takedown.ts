import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { TakedownError } from '../content/takedown.js';
import { articleUrl } from '../content/listing.js';
import { notFound, parseInput } from './errors.js';

const formQuery = z.object({ article: z.coerce.number({ error: '应为文章编号' }).int('应为文章编号').min(1, '应为文章编号').max(2 ** 31).optional() });

const takedownForm = z.object({
  article: z.coerce.number({ error: '请填写文章编号' }).int('请填写文章编号').min(1, '请填写文章编号').max(2 ** 31, '文章编号不对'),
  claimant: z.string().trim().min(1, '请填写你的姓名或机构名称').max(100, '姓名不能超过 100 个字符'),
  email: z.string().trim().max(200, '邮箱太长').pipe(z.email('请填写有效的邮箱地址')),
  reason: z.string().trim().min(10, '请至少用 10 个字说明理由').max(5000, '理由不能超过 5000 个字符'),
  good_faith: z.literal('yes', { error: '请确认善意声明' }),
});

type FormValues = Partial<Record<'article' | 'claimant' | 'email' | 'reason' | 'good_faith', string>>;

/** The string fields of a posted form, whatever else was sent. */
function formValues(body: unknown): FormValues {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const values: FormValues = {};
  for (const key of ['article', 'claimant', 'email', 'reason', 'good_faith'] as const) {
    if (typeof raw[key] === 'string') values[key] = raw[key] as string;
  }
  return values;
}

/** Public takedown form (GET), its submission (POST, CSRF-checked and rate-limited). */
const takedownRoutes: FastifyPluginAsync = async (app) => {
  // A stale or missing CSRF token re-shows the form with what was typed, rather than losing it.
  app.setErrorHandler(async (error: { code?: unknown }, request, reply) => {
    if (request.method === 'POST' && typeof error.code === 'string' && error.code.startsWith('FST_CSRF')) {
      return showForm(reply, formValues(request.body), { form: '表单已过期或来源不对，请确认内容后再提交一次。' }, 403);
    }
    throw error;
  });
  async function showForm(reply: FastifyReply, values: FormValues, errors: Record<string, string>, status = 200) {
    const articleId = Number(values.article);
    const article = Number.isInteger(articleId) && articleId > 0 ? app.services.articles.byId(articleId) : undefined;
    reply.code(status).header('Cache-Control', 'no-store');
    return reply.page(
      'takedown',
      { title: '下架申请', noindex: true, canonical: '/takedown' },
      { values, errors, article: article && { id: article.id, title: article.title, url: articleUrl(article.id) }, csrfToken: reply.generateCsrf() },
    );
  }

  app.get('/takedown', async (request, reply) => {
    const { article } = parseInput(formQuery, request.query);
    if (article !== undefined && !app.services.articles.byId(article)) throw notFound('文章');
    return showForm(reply, { article: article === undefined ? '' : String(article) }, {});
  });

  app.post(
    '/takedown',
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const values = formValues(request.body);
      const parsed = takedownForm.safeParse(values);
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
        return showForm(reply, values, errors, 400);
      }
      let requestId: number;
      try {
        requestId = app.services.takedown.file({ articleId: parsed.data.article, claimant: parsed.data.claimant, email: parsed.data.email, reason: parsed.data.reason });
      } catch (error) {
        if (error instanceof TakedownError) return showForm(reply, values, { article: error.message }, 400);
        throw error;
      }
      reply.header('Cache-Control', 'no-store');
      return reply.page('takedown-received', { title: '已收到下架申请', noindex: true }, { requestId, articleId: parsed.data.article });
    },
  );
};

export default takedownRoutes;
