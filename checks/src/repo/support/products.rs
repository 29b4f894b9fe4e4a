//! Whether a reference names a product: the one rule for container images, chart names, Helm
//! value keys and compose service names.
//!
//! A reference names a product when a segment of its path (tag and digest removed) is the
//! product, or contains it between dashes: `bitnami/redis:7`, `redis-stack`,
//! `otel/opentelemetry-collector-contrib`, `kube-prometheus-stack`, `edoburu/pgbouncer`. A word
//! that merely contains the product is not it: `acme/redistribution` is not Redis.

/// The product this reference names, if any.
pub(crate) fn names_product(reference: &str, products: &[&'static str]) -> Option<&'static str> {
    let r = reference.split('@').next().unwrap_or(reference).trim().to_ascii_lowercase();
    let path = r.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map(|(p, _)| p).unwrap_or(&r);
    path.split('/').find_map(|seg| {
        products.iter().copied().find(|p| {
            seg == *p
                || seg.starts_with(&format!("{p}-"))
                || seg.ends_with(&format!("-{p}"))
                || seg.contains(&format!("-{p}-"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_look_alikes() {
        for (reference, products, want) in [
            ("bitnami/redis:7.2", &["redis"][..], Some("redis")),
            ("redis", &["redis"], Some("redis")),
            ("registry:5000/ops/pgbouncer:1", &["pgbouncer"], Some("pgbouncer")),
            ("redis/redis-stack-server:latest", &["redis"], Some("redis")),
            (
                "otel/opentelemetry-collector-contrib:0.98",
                &["opentelemetry-collector"],
                Some("opentelemetry-collector"),
            ),
            ("kube-prometheus-stack", &["prometheus"], Some("prometheus")),
            ("postgres@sha256:abc", &["postgres"], Some("postgres")),
            ("acme/redistribution:1", &["redis"], None),
            ("mysqlx/tools", &["mysql"], None),
        ] {
            assert_eq!(names_product(reference, products), want, "{reference}");
        }
    }
}
