/**
 * Word lists of the synthetic benchmark corpus. Order is rank: the generator draws from each list
 * with Zipf-like weights (1 / rank^s), so the first entries are very common and the last ones rare.
 * Changing any list changes the corpus: bump GENERATOR_VERSION in corpus.ts when you do.
 */

/** Chinese technical words, most common first. */
export const CJK_WORDS: readonly string[] = [
  // very common
  '数据', '配置', '服务', '使用', '系统', '问题', '实现', '方法', '文件', '容器',
  '网络', '应用', '用户', '代码', '性能', '请求', '接口', '函数', '节点', '集群',
  '部署', '缓存', '日志', '索引', '查询', '版本', '环境', '进程', '线程', '内存',
  // common
  '服务器', '客户端', '参数', '命令', '模块', '框架', '组件', '对象', '类型', '结构',
  '字段', '数据库', '连接', '端口', '协议', '地址', '路径', '目录', '镜像', '宿主机',
  '命名空间', '资源', '存储', '事务', '分布式', '微服务', '监控', '告警', '测试', '调试',
  '优化', '设计', '架构', '原理', '源码', '安装', '启动', '运行', '执行', '调用',
  '返回', '结果', '错误', '异常', '处理', '方式', '流程', '机制', '策略', '规则',
  '权限', '认证', '安全', '加密', '证书', '负载均衡', '消息', '队列', '生产者', '消费者',
  '主题', '分区', '副本', '同步', '异步', '并发', '事件', '回调', '任务', '调度',
  '脚本', '变量', '属性', '实例', '编译', '依赖', '插件', '页面', '浏览器', '前端',
  '后端', '开发', '工具', '平台', '业务', '场景', '需求', '方案', '效果', '时间',
  // less common
  '磁盘', '文件系统', '操作系统', '虚拟机', '内核', '驱动', '设备', '硬件', '带宽', '延迟',
  '吞吐量', '响应时间', '超时', '重试', '限流', '熔断', '降级', '网关', '路由', '代理',
  '反向代理', '域名', '解析', '证书链', '会话', '令牌', '单点登录', '跨域', '静态资源', '压缩',
  '序列化', '反序列化', '编码', '字符集', '正则表达式', '字符串', '数组', '列表', '字典', '集合',
  '哈希', '链表', '二叉树', '算法', '排序', '递归', '指针', '引用', '闭包', '泛型',
  '注解', '反射', '代理模式', '单例', '工厂模式', '设计模式', '面向对象', '继承', '多态', '封装',
  '依赖注入', '控制反转', '切面', '拦截器', '过滤器', '中间件', '消息队列', '注册中心', '配置中心', '服务发现',
  '持续集成', '持续交付', '流水线', '构建', '打包', '发布', '灰度发布', '蓝绿部署', '滚动更新', '回滚',
  '弹性伸缩', '高可用', '容灾', '备份', '恢复', '迁移', '扩容', '缩容', '分库分表', '读写分离',
  '主从复制', '慢查询', '执行计划', '全文检索', '倒排索引', '分词', '搜索引擎', '聚合', '统计', '报表',
  '可视化', '仪表盘', '指标', '采集', '存储引擎', '数据仓库', '数据湖', '离线计算', '实时计算', '流处理',
  '批处理', '窗口函数', '水位线', '检查点', '状态', '快照', '一致性', '数据一致性', '最终一致性', '隔离级别',
  '死锁', '乐观锁', '悲观锁', '分布式锁', '主键', '外键', '唯一约束', '存储过程', '触发器', '视图',
  '垃圾回收', '内存泄漏', '堆栈', '堆内存', '栈溢出', '线程池', '连接池', '协程', '信号量', '互斥锁',
  '文件描述符', '套接字', '三次握手', '四次挥手', '拥塞控制', '滑动窗口', '防火墙', '网卡', '网桥', '虚拟网络',
  '覆盖网络', '服务网格', '边车', '控制平面', '数据平面', '编排', '调度器', '控制器', '标签', '注释',
  '卷', '持久化', '挂载', '共享', '隔离', '沙箱', '安全组', '审计', '合规', '漏洞',
  '补丁', '升级', '兼容性', '回归测试', '单元测试', '集成测试', '压力测试', '基准测试', '覆盖率', '断言',
  '样例', '文档', '注释规范', '代码审查', '重构', '技术债', '可维护性', '可扩展性', '可观测性', '链路追踪',
  '采样', '埋点', '告警规则', '值班', '故障', '排查', '复盘', '根因', '预案', '演练',
  '验证', '校验', '签名', '密钥', '公钥', '私钥', '哈希算法', '摘要', '随机数', '熵',
  '图形界面', '命令行', '终端', '快捷键', '环境变量', '守护进程', '定时任务', '软链接', '权限位', '用户组',
];

/** Latin and symbol terms as they appear in prose, most common first. */
export const LATIN_TERMS: readonly string[] = [
  'Linux', 'Docker', 'Java', 'Python', 'MySQL', 'Redis', 'Nginx', 'Kubernetes', 'Spring', 'Git',
  'JSON', 'HTTP', 'API', 'SQL', 'Node.js', 'Golang', 'Kafka', 'Elasticsearch', 'PostgreSQL', 'k8s',
  'TCP', 'Shell', 'Vue', 'React', 'JavaScript', 'TypeScript', 'C++', 'C#', '.NET', 'Tomcat',
  'Maven', 'MongoDB', 'Hadoop', 'Spark', 'Flink', 'etcd', 'Prometheus', 'Grafana', 'Jenkins', 'Ansible',
  'systemd', 'iptables', 'DNS', 'SSH', 'CPU', 'YAML', 'gRPC', 'Lua', 'PHP', 'Ruby',
  'Scala', 'Kotlin', 'ZooKeeper', 'RabbitMQ', 'Hive', 'HBase', 'ClickHouse', 'Netty', 'Dubbo', 'MyBatis',
  'SpringBoot', 'SpringCloud', 'Nacos', 'Consul', 'Kibana', 'Logstash', 'Gradle', 'Webpack', 'npm', 'pip',
  'Helm', 'Istio', 'Envoy', 'Calico', 'Flannel', 'CoreDNS', 'containerd', 'cgroups', 'Vue.js', 'ASP.NET',
  'Oracle', 'SQLite', 'InfluxDB', 'Superset', 'Hibernate', 'jQuery', 'Bootstrap', 'HTML', 'CSS', 'UDP',
  'TLS', 'HTTPS', 'REST', 'GraphQL', 'WebSocket', 'OAuth', 'JWT', 'Lucene', 'Solr', 'Zabbix',
];

/** Function words and characters placed between content words. */
export const FUNCTION_WORDS: readonly string[] = [
  '的', '是', '在', '了', '和', '与', '将', '通过', '可以', '需要',
  '如果', '这个', '我们', '一个', '进行', '以及', '就', '也', '都', '对',
  '中', '为', '从', '到', '把', '被', '会', '要', '还', '或者',
  '因为', '所以', '但是', '然后', '其中', '这里', '可能', '已经', '并', '等',
  '时', '后', '上', '下', '该', '此', '其', '即', '则', '而',
];

/** Words that may open a clause. */
export const CLAUSE_OPENERS: readonly string[] = [
  '首先', '其次', '最后', '同时', '另外', '因此', '例如', '比如', '一般来说', '通常',
  '如果', '因为', '但是', '然后', '我们', '在实际项目中', '默认情况下', '需要注意的是', '简单来说', '换句话说',
];

/** Endings of titles and headings. */
export const TITLE_SUFFIXES: readonly string[] = [
  '实践', '详解', '指南', '原理分析', '入门', '总结', '最佳实践', '踩坑记录', '排查记录', '源码解析',
  '性能优化', '配置详解', '常见问题', '从零开始', '深度剖析',
];

export const HEADING_SUFFIXES: readonly string[] = ['简介', '原理', '实践', '配置', '问题排查', '示例', '注意事项', '小结', '背景', '方案对比'];

export const MEASURE_WORDS: readonly string[] = ['个', '台', '次', '秒', '毫秒', '条', '倍', 'MB', 'GB', '%'];

export const AUTHORS: readonly string[] = [
  '张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄晓明', '周杰', '吴涛', '运维小哥', '码农老王',
];

/** Lines of the occasional ```bash block. */
export const SHELL_LINES: readonly string[] = [
  'docker run -d --name web -p 8080:80 nginx:1.25',
  'docker ps -a',
  'docker exec -it web /bin/bash',
  'docker logs -f --tail 100 web',
  'kubectl get pods -n kube-system -o wide',
  'kubectl apply -f deployment.yaml',
  'kubectl describe node node-1',
  'systemctl restart nginx',
  'journalctl -u docker --since today',
  'redis-cli -h 127.0.0.1 -p 6379 info memory',
  'mysql -uroot -p -e "show processlist"',
  'psql -U postgres -c "select version();"',
  'ip netns list',
  'iptables -t nat -L -n',
  'tail -f /var/log/nginx/access.log',
  'curl -s http://localhost:9200/_cat/indices?v',
  'git clone https://github.com/example/demo.git',
  'mvn clean package -DskipTests',
  'go build -o app ./cmd/server',
  'npm install && npm run build',
  'python3 -m venv .venv && . .venv/bin/activate',
  'helm install my-release bitnami/redis',
  'ss -tlnp | grep 8080',
  'free -h && df -h',
  'top -H -p 1234',
  'java -Xmx2g -jar app.jar --spring.profiles.active=prod',
  'kafka-topics.sh --bootstrap-server localhost:9092 --list',
  'etcdctl endpoint health',
];
