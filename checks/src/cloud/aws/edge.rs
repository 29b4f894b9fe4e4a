//! Roadmap item 1.4 (load balancing and CDN) in the account: load balancers that terminate TLS
//! with a current policy and redirect plain HTTP, CloudFront distributions that serve viewers
//! over HTTPS only, and Route 53 hosted zones.
//!
//! A TLS policy is current when it refuses TLS 1.0 and 1.1: the `TLS13` policies and the
//! `…-1-2-…` ones. `ELBSecurityPolicy-2016-08`, the old default, still accepts TLS 1.0.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, graded, names, readable, regions, share, verb};
use crate::facts::aws::elb::{Listener, LoadBalancer};
use crate::facts::aws::{AwsFacts, ops};
use crate::model::{Evidence, Finding};

const LB_OPS: &[&ops::Operation] = &[&ops::ELBV2_DESCRIBE_LOAD_BALANCERS, &ops::ELBV2_DESCRIBE_LISTENERS];

/// Whether an ELB security policy refuses TLS versions older than 1.2.
pub fn current_tls_policy(policy: &str) -> bool {
    policy.contains("TLS13") || policy.contains("-1-2-")
}

fn lb_ev(b: &LoadBalancer, detail: String) -> Evidence {
    cloud("elbv2", &b.res, &ops::ELBV2_DESCRIBE_LISTENERS, detail)
}

fn listeners(b: &LoadBalancer) -> String {
    let mut l: Vec<String> = b.listeners.iter().map(|l| format!("{}:{}", l.protocol, l.port)).collect();
    l.sort();
    if l.is_empty() { "no listener".into() } else { l.join(", ") }
}

/// Load balancers that take web traffic: application load balancers, and network load
/// balancers with a TLS listener.
fn web_balancers(aws: &AwsFacts) -> Vec<&LoadBalancer> {
    aws.load_balancers
        .iter()
        .filter(|b| b.kind == "application" || b.listeners.iter().any(|l| l.protocol == "TLS"))
        .collect()
}

pub struct HttpsListenerCurrentTls;

impl Check for HttpsListenerCurrentTls {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elb.https_listener_current_tls",
            title: "Load balancers terminate HTTPS with a current TLS policy",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The roadmap's load balancer does the SSL termination; a listener without HTTPS, or with a policy that still accepts TLS 1.0 and 1.1, fails both browsers' expectations and PCI-style audits.",
            remediation: "Give each internet-facing load balancer an HTTPS listener with an ACM certificate and a TLS 1.2+ policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06` (`ssl_policy` of `aws_lb_listener`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, LB_OPS) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let web = web_balancers(aws);
        if web.is_empty() {
            return Finding::fail(format!("no application load balancer {}", regions(aws)));
        }
        let mut score = 0.0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for b in &web {
            let tls: Vec<&Listener> =
                b.listeners.iter().filter(|l| matches!(l.protocol.as_str(), "HTTPS" | "TLS")).collect();
            let old: Vec<&str> =
                tls.iter().filter_map(|l| l.ssl_policy.as_deref()).filter(|p| !current_tls_policy(p)).collect();
            let (s, detail) = if tls.is_empty() {
                (0.0, format!("no HTTPS listener ({})", listeners(b)))
            } else if let Some(p) = old.first() {
                (0.5, format!("HTTPS with the outdated policy {p}, which accepts TLS 1.0"))
            } else {
                let policy = tls.iter().filter_map(|l| l.ssl_policy.as_deref()).next().unwrap_or("a TLS 1.2+ policy");
                (1.0, format!("HTTPS on port {} with {policy}", tls[0].port))
            };
            score += s;
            lines.push(format!("`{}`: {detail}", b.res.name));
            evidence.push(lb_ev(b, detail));
        }
        let score = score / web.len() as f64;
        let message = lines.join("; ");
        graded(score, message, "").with(evidence)
    }
}

pub struct HttpRedirectsToHttps;

impl Check for HttpRedirectsToHttps {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elb.http_redirects_to_https",
            title: "Load balancers redirect plain HTTP to HTTPS",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A plain-HTTP listener that forwards traffic serves pages and cookies unencrypted; redirecting it sends every visitor to HTTPS.",
            remediation: "Make the port-80 listener's default action a redirect to HTTPS (`default_action { type = \"redirect\" redirect { protocol = \"HTTPS\", port = \"443\", status_code = \"HTTP_301\" } }`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, LB_OPS) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let albs: Vec<&LoadBalancer> = aws.load_balancers.iter().filter(|b| b.kind == "application").collect();
        if albs.is_empty() {
            return Finding::not_assessed(format!("there is no application load balancer {} to judge", regions(aws)));
        }
        let mut good = 0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for b in &albs {
            let http: Vec<&Listener> = b.listeners.iter().filter(|l| l.protocol == "HTTP").collect();
            let detail = if http.is_empty() {
                good += 1;
                "no plain-HTTP listener".to_string()
            } else if http.iter().all(|l| l.redirects_to_https) {
                good += 1;
                format!("HTTP:{} redirects to HTTPS", http[0].port)
            } else {
                let l = http.iter().find(|l| !l.redirects_to_https).map(|l| l.port).unwrap_or(80);
                format!("HTTP:{l} serves traffic without redirecting to HTTPS")
            };
            lines.push(format!("`{}`: {detail}", b.res.name));
            evidence.push(lb_ev(b, detail));
        }
        share(good, albs.len(), lines.join("; ")).with(evidence)
    }
}

pub struct CloudfrontHttpsOnlyViewers;

impl Check for CloudfrontHttpsOnlyViewers {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.cloudfront.https_only_viewers",
            title: "CloudFront serves viewers over HTTPS only",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The roadmap puts CloudFront in front of the application; a behaviour that allows HTTP serves content and cookies in clear text at the edge.",
            remediation: "Set `viewer_protocol_policy = \"redirect-to-https\"` (or `https-only`) on the default and every ordered cache behaviour, with a TLSv1.2_2021 minimum protocol version.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match account(cx) {
            Ok(a) => a,
            Err(f) => return f,
        };
        if let Some(f) = blocked(aws, &[&ops::CLOUDFRONT_LIST_DISTRIBUTIONS, &ops::CLOUDFRONT_GET_DISTRIBUTION_CONFIG])
        {
            return f;
        }
        if aws.distributions.is_empty() {
            return Finding::fail(
                "no CloudFront distribution in the account (looked with cloudfront:ListDistributions)",
            );
        }
        let dists: Vec<_> = aws.distributions.iter().filter(|d| d.enabled).collect();
        if dists.is_empty() {
            let disabled = aws
                .distributions
                .iter()
                .take(3)
                .map(|d| cloud("cloudfront", &d.res, &ops::CLOUDFRONT_LIST_DISTRIBUTIONS, "disabled".to_string()));
            return Finding::fail(format!(
                "every CloudFront distribution is disabled ({})",
                names(aws.distributions.iter().map(|d| d.res.name.as_str()))
            ))
            .with(disabled);
        }
        let mut good = 0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for d in &dists {
            let open: Vec<&str> =
                d.viewer_policies.iter().filter(|(_, p)| p == "allow-all").map(|(path, _)| path.as_str()).collect();
            let name = d.aliases.first().cloned().unwrap_or_else(|| d.domain.clone());
            let detail = if open.is_empty() {
                good += 1;
                let n = d.viewer_policies.len();
                format!("HTTPS only for {n} {}", verb(n, "behaviour", "behaviours"))
            } else {
                let paths: Vec<String> = open
                    .iter()
                    .map(|p| if *p == "default" { "the default behaviour".into() } else { format!("`{p}`") })
                    .collect();
                format!("allows plain HTTP on {}", crate::repo::support::list(&paths))
            };
            lines.push(format!("`{}` ({name}) {detail}", d.res.name));
            evidence.push(cloud("cloudfront", &d.res, &ops::CLOUDFRONT_LIST_DISTRIBUTIONS, detail));
        }
        share(good, dists.len(), lines.join("; ")).with(evidence)
    }
}

pub struct HostedZonePresent;

impl Check for HostedZonePresent {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.route53.hosted_zone_present",
            title: "DNS is served by a Route 53 hosted zone",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A public hosted zone in the account lets records for the load balancer and CDN be aliases kept with the infrastructure, with health-checked failover routing.",
            remediation: "Create a public hosted zone for the domain (`aws_route53_zone`), delegate it from the registrar, and point alias records at the load balancer or distribution.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::ROUTE53_LIST_HOSTED_ZONES]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let evidence = aws.zones.iter().take(5).map(|z| {
            cloud(
                "route53",
                &z.res,
                &ops::ROUTE53_LIST_HOSTED_ZONES,
                format!("{}, {} record(s)", if z.private { "private" } else { "public" }, z.records),
            )
        });
        if let Some(z) = aws.zones.iter().find(|z| !z.private) {
            return Finding::pass(format!("public hosted zone `{}` serves {} record(s)", z.res.name, z.records))
                .with(evidence);
        }
        if let Some(z) = aws.zones.first() {
            return Finding::partial(0.5, format!("only private hosted zones, such as `{}`", z.res.name))
                .with(evidence);
        }
        Finding::fail("no Route 53 hosted zone in the account (looked with route53:ListHostedZones)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::cloudfront::Distribution;
    use crate::facts::aws::route53::HostedZone;
    use crate::model::Status;

    fn listener(protocol: &str, port: i32, policy: Option<&str>, redirect: bool) -> Listener {
        Listener {
            arn: format!("arn:listener/{port}"),
            port,
            protocol: protocol.into(),
            ssl_policy: policy.map(str::to_string),
            redirects_to_https: redirect,
        }
    }

    fn alb(name: &str, listeners: Vec<Listener>) -> LoadBalancer {
        LoadBalancer {
            res: res(name),
            kind: "application".into(),
            scheme: "internet-facing".into(),
            dns_name: format!("{name}.elb.amazonaws.com"),
            listeners,
            listeners_read: true,
        }
    }

    fn good_alb(name: &str) -> LoadBalancer {
        alb(
            name,
            vec![
                listener("HTTPS", 443, Some("ELBSecurityPolicy-TLS13-1-2-2021-06"), false),
                listener("HTTP", 80, None, true),
            ],
        )
    }

    fn with(lbs: Vec<LoadBalancer>) -> Option<AwsFacts> {
        let mut a = empty();
        a.load_balancers = lbs;
        Some(a)
    }

    #[test]
    fn policies() {
        for (p, current) in [
            ("ELBSecurityPolicy-TLS13-1-2-2021-06", true),
            ("ELBSecurityPolicy-TLS13-1-3-2021-06", true),
            ("ELBSecurityPolicy-FS-1-2-Res-2020-10", true),
            ("ELBSecurityPolicy-TLS-1-2-2017-01", true),
            ("ELBSecurityPolicy-2016-08", false),
            ("ELBSecurityPolicy-TLS-1-1-2017-01", false),
            ("ELBSecurityPolicy-FS-2018-06", false),
        ] {
            assert_eq!(current_tls_policy(p), current, "{p}");
        }
    }

    #[test]
    fn https_listeners() {
        let mut denied_listeners = with(vec![good_alb("web")]).unwrap();
        denied_listeners.calls.push(denied(&ops::ELBV2_DESCRIBE_LISTENERS));
        table(
            &HttpsListenerCurrentTls,
            vec![
                ("current policy", with(vec![good_alb("web")]), Status::Pass),
                (
                    "outdated policy",
                    with(vec![alb("web", vec![listener("HTTPS", 443, Some("ELBSecurityPolicy-2016-08"), false)])]),
                    Status::Partial,
                ),
                ("http only", with(vec![alb("web", vec![listener("HTTP", 80, None, false)])]), Status::Fail),
                ("no load balancer", Some(empty()), Status::Fail),
                ("denied", Some(denied_listeners), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn http_redirects() {
        let https_only = alb("api", vec![listener("HTTPS", 443, Some("ELBSecurityPolicy-TLS13-1-2-2021-06"), false)]);
        let forwarding = alb("legacy", vec![listener("HTTP", 80, None, false)]);
        table(
            &HttpRedirectsToHttps,
            vec![
                ("redirects", with(vec![good_alb("web")]), Status::Pass),
                ("no http listener", with(vec![https_only]), Status::Pass),
                ("one forwards", with(vec![good_alb("web"), forwarding.clone()]), Status::Partial),
                ("forwards", with(vec![forwarding]), Status::Fail),
                ("no alb", Some(empty()), Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn cloudfront_viewers() {
        let dist = |policies: &[(&str, &str)]| Distribution {
            res: Res { region: "global".into(), ..res("E123") },
            domain: "d1.cloudfront.net".into(),
            enabled: true,
            viewer_policies: policies.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            ..Distribution::default()
        };
        let with_d = |d: Vec<Distribution>| {
            let mut a = empty();
            a.distributions = d;
            Some(a)
        };
        let mut denied_list = empty();
        denied_list.calls.push(denied(&ops::CLOUDFRONT_LIST_DISTRIBUTIONS));
        table(
            &CloudfrontHttpsOnlyViewers,
            vec![
                (
                    "https",
                    with_d(vec![dist(&[("default", "redirect-to-https"), ("/api/*", "https-only")])]),
                    Status::Pass,
                ),
                (
                    "one open",
                    with_d(vec![dist(&[("default", "redirect-to-https")]), dist(&[("default", "allow-all")])]),
                    Status::Partial,
                ),
                ("open", with_d(vec![dist(&[("default", "allow-all")])]), Status::Fail),
                ("none", Some(empty()), Status::Fail),
                ("denied", Some(denied_list), Status::Unknown),
            ],
        );
    }

    #[test]
    fn hosted_zones() {
        let zone = |private| HostedZone { res: res("example.com."), id: "Z1".into(), private, records: 4 };
        let with_z = |z: Vec<HostedZone>| {
            let mut a = empty();
            a.zones = z;
            Some(a)
        };
        table(
            &HostedZonePresent,
            vec![
                ("public", with_z(vec![zone(false)]), Status::Pass),
                ("private only", with_z(vec![zone(true)]), Status::Partial),
                ("none", Some(empty()), Status::Fail),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    use crate::facts::aws::Res;
}
