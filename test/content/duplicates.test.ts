import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUPLICATE_SIMILARITY, minhash, similarity } from '../../src/content/minhash.js';
import { openDatabase } from '../../src/db/open.js';
import { createServices } from '../../src/services.js';
import { articleRecord, buildTestApp, TEST_POEMS } from '../helpers.js';

const ORIGINAL = `## 背景

容器编排平台在生产环境中需要处理网络隔离、存储挂载与服务发现三个核心问题。本文记录了我们把一组传统虚拟机上的服务迁移到 Kubernetes 集群的全过程，包括镜像构建、配置拆分、灰度发布和监控接入。

## 镜像构建

我们为每个服务编写了多阶段构建的 Dockerfile，第一阶段编译，第二阶段只保留运行所需的文件，镜像体积从八百兆降到了一百二十兆。构建在流水线里完成，每次提交都会生成带版本号的镜像并推送到私有仓库。

## 配置拆分

原来写死在程序里的数据库地址、缓存地址和开关，全部改成从环境变量和配置映射读取，敏感信息放到密钥对象中，由运维统一管理。这样同一个镜像可以部署到测试、预发和生产三套环境。

## 灰度发布

新版本先发布到一小部分副本，观察错误率和延迟，确认没有问题再逐步扩大比例。整个过程通过滚动更新策略控制，出现异常时一条命令即可回滚。`;

// A repost elsewhere: different punctuation widths, a changed sentence, an added line.
const REPOST = ORIGINAL.replace(/，/g, ',').replace('八百兆降到了一百二十兆', '八百多兆降到了一百二十兆左右') + '\n\n（转载请注明出处）';
const UNRELATED = ORIGINAL.split('').reverse().join('');

describe('minhash', () => {
  it('rates near-identical texts above the duplicate threshold and different ones far below', () => {
    const a = minhash(ORIGINAL)!;
    expect(similarity(a, minhash(REPOST)!)).toBeGreaterThanOrEqual(DUPLICATE_SIMILARITY);
    expect(similarity(a, minhash(UNRELATED)!)).toBeLessThan(0.3);
    expect(similarity(a, minhash(ORIGINAL)!)).toBe(1);
    expect(minhash('太短的文本')).toBeUndefined();
  });
});

describe('duplicate reposts', () => {
  let app: FastifyInstance;
  let lead: number;
  let copy: number;
  beforeAll(async () => {
    app = await buildTestApp({
      records: [
        articleRecord({ title: '迁移到 Kubernetes 的全过程', body: ORIGINAL, source_url: 'https://blog-a.example/k8s', author: '甲' }),
        articleRecord({ title: '【转】迁移到 Kubernetes 的全过程', body: REPOST, source_url: 'https://blog-b.example/k8s-copy', author: '乙' }),
        articleRecord({ title: '无关的文章', body: UNRELATED, source_url: 'https://blog-c.example/other' }),
      ],
    });
    lead = app.services.articles.byExternalKey('https://blog-a.example/k8s')!.id;
    copy = app.services.articles.byExternalKey('https://blog-b.example/k8s-copy')!.id;
  });
  afterAll(() => app.close());

  it('links a near-duplicate to the earlier article at import', () => {
    expect(app.services.articles.byId(copy)!.duplicate_of).toBe(lead);
    expect(app.services.articles.byId(lead)!.duplicate_of).toBeNull();
    expect(app.services.articles.byExternalKey('https://blog-c.example/other') && app.services.articles.byId(app.services.articles.byExternalKey('https://blog-c.example/other')!.id)!.duplicate_of).toBeNull();
  });

  it('the API keeps every match and marks the copy with its lead', async () => {
    const json = (await app.inject({ url: '/api/search?q=' + encodeURIComponent('灰度发布') })).json<{ total: number; results: Array<{ id: number; duplicate_of: number | null }> }>();
    expect(json.total).toBe(2);
    expect(json.results.find((r) => r.id === copy)!.duplicate_of).toBe(lead);
    expect(json.results.find((r) => r.id === lead)!.duplicate_of).toBeNull();
  });

  it('HTML lists show the group once, with "N 篇相同内容" and links to the copies', async () => {
    const page = await app.inject({ url: '/search?q=' + encodeURIComponent('灰度发布') });
    expect((page.body.match(/<li class="result">/g) ?? []).length).toBe(1);
    expect(page.body).toContain('2 篇相同内容');
    const home = await app.inject({ url: '/' });
    expect((home.body.match(/<li class="result">/g) ?? []).length).toBe(2);
  });

  it('an article page lists where else it was reposted', async () => {
    const page = await app.inject({ url: `/articles/${lead}` });
    expect(page.body).toContain('相同内容的其他转载');
    expect(page.body).toContain(`href="/articles/${copy}"`);
    expect(page.body).toContain('blog-b.example');
  });
});

describe('duplicates within and across import batches', () => {
  // one transaction holds a whole batch: copies earlier in the same batch, and articles rewritten
  // in it, must be judged as they are at that moment
  const copyOf = (n: number) => ORIGINAL.replace('灰度发布', `灰度发布第${n}版`) + `\n\n转载 ${n}`;

  it('groups copies in the same batch and in later batches under the oldest article', () => {
    const services = createServices(openDatabase(':memory:'), { poems: TEST_POEMS });
    const at = (url: string) => services.articles.byId(services.articles.byExternalKey(url)!.id)!;
    services.importer.importRecords(
      [
        articleRecord({ source_url: 'https://a.example/1', body: ORIGINAL }),
        articleRecord({ source_url: 'https://b.example/1', body: copyOf(1) }),
        articleRecord({ source_url: 'https://c.example/1', body: UNRELATED }),
        articleRecord({ source_url: 'https://d.example/1', body: copyOf(2) }),
      ],
      { batchSize: 100 },
    );
    const lead = at('https://a.example/1').id;
    expect(at('https://b.example/1').duplicate_of).toBe(lead);
    expect(at('https://c.example/1').duplicate_of).toBeNull();
    expect(at('https://d.example/1').duplicate_of).toBe(lead);
    services.importer.importRecords([articleRecord({ source_url: 'https://e.example/1', body: copyOf(3) })]);
    expect(at('https://e.example/1').duplicate_of).toBe(lead);
    services.db.close();
  });

  it('judges a later article by the new text of one rewritten earlier in its batch', () => {
    const services = createServices(openDatabase(':memory:'), { poems: TEST_POEMS });
    const at = (url: string) => services.articles.byId(services.articles.byExternalKey(url)!.id)!;
    services.importer.importRecords([articleRecord({ source_url: 'https://a.example/2', body: ORIGINAL })]);
    services.importer.importRecords(
      [articleRecord({ source_url: 'https://a.example/2', body: UNRELATED }), articleRecord({ source_url: 'https://b.example/2', body: copyOf(4) })],
      { batchSize: 100 },
    );
    // the only similar text is gone: the copy leads a group of its own
    expect(at('https://b.example/2').duplicate_of).toBeNull();
    services.importer.importRecords([articleRecord({ source_url: 'https://c.example/2', body: UNRELATED.replace('。', '！') + '\n\n又一次转载' })]);
    expect(at('https://c.example/2').duplicate_of).toBe(at('https://a.example/2').id);
    services.db.close();
  });
});
