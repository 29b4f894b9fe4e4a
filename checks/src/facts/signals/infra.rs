//! Signals for infrastructure, databases, caching, load balancing and performance (items 1.x and 5.x).
//!
//! Most of these items are judged from parsed Terraform, Kubernetes, compose and framework
//! configuration; the signals here cover what only exists in code: node groups added in CDK or
//! Pulumi, indexes declared in ways the shared `db.index` pattern does not know, and an
//! application cache whose backend is Redis or Memcached.

use super::{Signal, s};

pub(super) static SIGNALS: &[Signal] = &[
    // 1.1: the nodes of a cluster defined in CDK or Pulumi code
    s(
        "iac.node_group_code",
        "nodes for a Kubernetes cluster defined in CDK or Pulumi code (node groups, pools, Fargate, Autopilot)",
        r"\.addNodegroupCapacity\(|\.addAutoScalingGroupCapacity\(|\.addFargateProfile\(|\beks\.(Nodegroup|ManagedNodeGroup|NodeGroupV2|NodeGroup|FargateProfile)\(|\bcontainer\.NodePool\(|\bgcp\.container\.NodePool\b|\benableAutopilot\s*[:=]\s*true|\benable_autopilot\s*=\s*True|\bdefaultCapacity\s*:\s*[1-9]|\bagentPoolProfiles\s*:",
        &["*.ts", "*.js", "*.py", "*.go", "*.java", "*.cs"],
    ),
    // 5.1: index declarations beyond `db.index`
    s(
        "db.index_sql",
        "database indexes declared inline in an SQL `CREATE TABLE` (`INDEX (col)`, `KEY idx (col)`)",
        r"(?i)^\s*(unique\s+|fulltext\s+|spatial\s+)?(index|key)\s*[`\x22]?\w*[`\x22]?\s*\(",
        &["*.sql"],
    ),
    s(
        "db.index_more",
        "database indexes declared in Liquibase, Prisma, SQLAlchemy, Ecto, Mongoose or Knex",
        r"<createIndex\b|^\s*-?\s*createIndex:|@@index\(|\bColumn\([^)]*\bindex\s*=\s*True|\bmapped_column\([^)]*\bindex\s*=\s*True|\bcreate(_if_not_exists)?\(?\s*(unique_)?index\(|\b[sS]chema\.index\(\{|\bindexes:\s*\[|\btable\.index\(",
        &["*.xml", "*.yaml", "*.yml", "*.prisma", "*.py", "*.php", "*.java", "*.kt", "*.exs", "*.js", "*.ts"],
    ),
    s(
        "db.unique_constraint",
        "unique constraints in an ORM mapping (they keep data consistent; they are not an indexing strategy)",
        r"@@unique\(|#\[ORM\\UniqueConstraint|ORM\\Column\([^)]*\bunique:\s*true|@(ORM\\)?Column\([^)]*\bunique\s*=\s*true|\bmodels\.\w+\([^)]*\bunique=True|@ORM\\UniqueConstraint|@UniqueConstraint\(|uniqueConstraints\s*=|\btable\.unique\(",
        &["*.xml", "*.yaml", "*.yml", "*.prisma", "*.py", "*.php", "*.java", "*.kt", "*.exs", "*.js", "*.ts"],
    ),
    s(
        "db.query_monitoring",
        "slow or expensive queries are recorded (pg_stat_statements, the performance schema, slow query logs, database exporters)",
        r"\bpg_stat_statements\b|\bperformance_schema\s*=\s*(ON|1)\b|\bslow_query_log\b|\blog_min_duration_statement\b|\blong_query_time\b|\bauto_explain\b|postgres(ql)?[-_]exporter|mysqld[-_]exporter|\bpganalyze\b",
        &[
            "*.sql",
            "*.conf",
            "*.cnf",
            "*.ini",
            "*.yaml",
            "*.yml",
            "*.toml",
            "*.json",
            "*.env",
            ".env*",
            "Dockerfile*",
            "*.tf",
        ],
    ),
    s(
        "db.index_rails",
        "database indexes declared in a Rails migration (`t.index`, `index: true`)",
        r"\bt\.index\b|\bindex:\s*(true|\{)",
        &["*.rb"],
    ),
    // 1.3 / 5.2: the application cache is a shared server
    s(
        "cache.shared_backend",
        "the application cache is stored in Redis or Memcached",
        r#"django\.core\.cache\.backends\.(redis|memcached)\.|django_redis\.cache\.RedisCache|\bRedisCacheManager\b|\bspring\.cache\.type\s*[=:]\s*redis|['"]cache-manager-(redis|ioredis)(-yet)?['"]|['"]@keyv/redis['"]|\bredisStore\b|:redis_cache_store\b|:mem_cache_store\b|\bCACHE_DRIVER\s*=\s*(redis|memcached)|\bCACHE_STORE\s*=\s*(redis|memcached)|\bcache\.adapter\.(redis|redis_tag_aware|memcached)\b|\bRedisAdapter\b|\bMemcachedAdapter\b|\bRedisTagAwareAdapter\b"#,
        &[
            "*.py",
            "*.java",
            "*.kt",
            "*.properties",
            "*.yaml",
            "*.yml",
            "*.ts",
            "*.js",
            "*.rb",
            "*.php",
            "*.env",
            ".env*",
            "*.xml",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use crate::facts::files::FileIndex;
    use crate::facts::{NoProgress, scan};

    fn lines(id: &str, files: &[(&str, &str)]) -> Vec<(String, u32)> {
        let idx = FileIndex::from_memory(files);
        scan::scan(&idx, &NoProgress, &mut Vec::new()).hits(id).map(|h| (h.path.clone(), h.line)).collect()
    }

    #[test]
    fn node_groups_in_code() {
        let got = lines(
            "iac.node_group_code",
            &[
                ("infra/stack.ts", "const c = new eks.Cluster(this, 'c');\nc.addNodegroupCapacity('ng', {});\n"),
                ("infra/gke.py", "pool = gcp.container.NodePool('p', cluster=c.name)\n"),
                ("infra/old.ts", "// c.addNodegroupCapacity('ng');\n"),
                ("README.md", "call addNodegroupCapacity() to add nodes\n"),
            ],
        );
        assert_eq!(got, vec![("infra/gke.py".into(), 1), ("infra/stack.ts".into(), 2)]);
    }

    #[test]
    fn more_indexes() {
        let files: &[(&str, &str)] = &[
            (
                "db/schema.sql",
                "CREATE TABLE owners (\n  id INT PRIMARY KEY,\n  last_name VARCHAR(30),\n  INDEX(last_name),\n  FOREIGN KEY (x) REFERENCES y(id)\n);\n",
            ),
            ("db/keys.sql", "CREATE TABLE t (\n  id INT,\n  KEY `idx_name` (`name`),\n  PRIMARY KEY (id)\n);\n"),
            ("db/notes.sql", "-- INDEX(foo) is slow\n"),
            ("src/routes.js", "index(req, res);\n"),
            ("prisma/schema.prisma", "model User {\n  email String\n  @@index([email])\n}\n"),
            ("changelog.xml", "<changeSet id=\"1\"><createIndex tableName=\"t\" indexName=\"i\"/></changeSet>\n"),
            ("app/models.py", "email = Column(String, index=True)\nname = Column(String)\n"),
            ("src/Entity/User.php", "#[ORM\\UniqueConstraint(name: 'u', columns: ['email'])]\n"),
            (
                "src/Entity/Tag.php",
                "#[ORM\\Column(type: Types::STRING)]\nprivate string $a;\n#[ORM\\Column(type: Types::STRING, unique: true)]\n",
            ),
            ("src/Entity/Post.php", "#[UniqueEntity(fields: ['slug'])]\n"),
            ("db/migrate/1_create_users.rb", "create_table :users do |t|\n  t.references :org, index: true\nend\n"),
        ];
        assert_eq!(lines("db.index_sql", files), vec![("db/keys.sql".into(), 3), ("db/schema.sql".into(), 4)]);
        assert_eq!(
            lines("db.index_more", files),
            vec![("app/models.py".into(), 1), ("changelog.xml".into(), 1), ("prisma/schema.prisma".into(), 3),]
        );
        assert_eq!(
            lines("db.unique_constraint", files),
            vec![("src/Entity/Tag.php".into(), 3), ("src/Entity/User.php".into(), 1)]
        );
        assert_eq!(lines("db.index_rails", files), vec![("db/migrate/1_create_users.rb".into(), 2)]);
    }

    #[test]
    fn shared_cache_backends() {
        let got = lines(
            "cache.shared_backend",
            &[
                ("settings.py", "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache'}}\n"),
                ("src/main/resources/application.properties", "spring.cache.type=redis\n"),
                ("config/packages/cache.yaml", "framework:\n    cache:\n        #app: cache.adapter.redis\n"),
                ("config/packages/prod/cache.yaml", "framework:\n    cache:\n        app: cache.adapter.redis\n"),
                ("src/redistribution.ts", "import { redistribution } from './x';\n"),
            ],
        );
        assert_eq!(
            got,
            vec![
                ("config/packages/prod/cache.yaml".into(), 3),
                ("settings.py".into(), 1),
                ("src/main/resources/application.properties".into(), 1),
            ]
        );
    }
}
