//! Roadmap item 1.4 (load balancing and CDN): a load balancer or ingress terminating TLS, a CDN
//! in front of the application, and DNS managed as code.
//!
//! Read from Terraform (AWS, Google Cloud, Azure, Cloudflare, Fastly), Kubernetes objects
//! (Ingress, Gateway API, Istio and Traefik gateways, `LoadBalancer` Services, external-dns) and
//! Helm chart values. A web server or proxy that terminates TLS (nginx, Caddy, Traefik
//! configuration) is a load balancer only in part: it is one process, not a managed endpoint.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::k8s::K8sObject;
use crate::facts::terraform::TfBlock;
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding};
use crate::repo::support::{
    Candidate, best_finding, chart_label, charts_declaring, k8s_running, obj_evidence, obj_label, place, subcharts,
    tf_any_key, tf_evidence, tf_label, tf_modules, tf_num, tf_resources, tf_text, tf_unknown, values_evidence,
};

fn is_tls_listener(b: &TfBlock) -> bool {
    let protocol = tf_text(b, "protocol").unwrap_or_default().to_ascii_uppercase();
    b.attr("certificate_arn").is_some()
        || matches!(protocol.as_str(), "HTTPS" | "TLS")
        || tf_num(b, "port") == Some(443.0)
}

/// Annotations that give an Ingress or a Service a certificate without a `tls:` section.
const TLS_ANNOTATIONS: &[&str] = &[
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "alb.ingress.kubernetes.io/certificate-arn",
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
    "service.beta.kubernetes.io/azure-load-balancer-tls",
];

fn tls_annotation(o: &K8sObject) -> Option<&'static str> {
    let annotations = o.doc.key("metadata").key("annotations");
    TLS_ANNOTATIONS.iter().copied().find(|a| annotations.get(a).is_some())
}

fn k8s_edge(o: &K8sObject) -> Option<Candidate> {
    let spec = o.doc.key("spec");
    let has_items = |n: &Node| !n.items().is_empty();
    let tls = match (o.group(), o.kind.as_str()) {
        ("networking.k8s.io" | "extensions", "Ingress") => has_items(spec.key("tls")) || tls_annotation(o).is_some(),
        ("gateway.networking.k8s.io", "Gateway") => {
            spec.key("listeners").items().iter().any(|l| matches!(l.key("protocol").as_str(), Some("HTTPS" | "TLS")))
        }
        ("networking.istio.io", "Gateway") => {
            spec.key("servers").items().iter().any(|s| {
                s.get("tls").is_some() || matches!(s.key("port").key("protocol").as_str(), Some("HTTPS" | "TLS"))
            })
        }
        ("traefik.io" | "traefik.containo.us", "IngressRoute") => spec.get("tls").is_some(),
        ("", "Service") if spec.key("type").as_str() == Some("LoadBalancer") => tls_annotation(o).is_some(),
        _ => return None,
    };
    Some(if tls {
        (1.0, format!("{} terminates TLS", obj_label(o)), obj_evidence(o))
    } else if o.kind == "Service" {
        (
            0.4,
            format!("{} exposes the application through a cloud load balancer without TLS", obj_label(o)),
            obj_evidence(o),
        )
    } else {
        (0.5, format!("{} routes traffic but declares no TLS", obj_label(o)), obj_evidence(o))
    })
}

/// `ingress` values of a chart (top level or one level down) that declare TLS.
fn chart_ingress(repo: &RepoFacts) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (chart, (_, path, line)) in charts_declaring(repo, &["Ingress"]) {
        let Some(values) = &chart.values else {
            out.push((
                0.5,
                format!("the Helm chart `{}` templates an Ingress (`{path}`)", chart_label(chart)),
                Evidence::file(path.clone(), Some(*line)),
            ));
            continue;
        };
        let mut ingresses: Vec<&Node> = values.get("ingress").into_iter().collect();
        ingresses.extend(values.entries().iter().filter_map(|e| e.value.get("ingress")));
        let enabled = |i: &Node| i.key("enabled").as_bool() != Some(false);
        if let Some(i) = ingresses.iter().find(|i| enabled(i) && !i.key("tls").items().is_empty()) {
            out.push((
                1.0,
                format!(
                    "the Helm chart `{}` templates an Ingress with TLS (`ingress.tls` in its values)",
                    chart_label(chart)
                ),
                values_evidence(chart, i.key("tls").line),
            ));
        } else if let Some(i) = ingresses.first() {
            let why =
                if enabled(i) { "without TLS in its values" } else { "disabled by default (`ingress.enabled: false`)" };
            out.push((
                0.5,
                format!("the Helm chart `{}` templates an Ingress {why}", chart_label(chart)),
                values_evidence(chart, i.line),
            ));
        } else {
            out.push((
                0.5,
                format!("the Helm chart `{}` templates an Ingress (`{path}`)", chart_label(chart)),
                Evidence::file(path.clone(), Some(*line)),
            ));
        }
    }
    out
}

fn tf_edge(repo: &RepoFacts) -> Vec<Candidate> {
    let mut out = Vec::new();
    let (lbs, _) = tf_resources(repo, &["aws_lb", "aws_alb", "aws_elb"]);
    let (listeners, _) = tf_resources(repo, &["aws_lb_listener", "aws_alb_listener"]);
    let tls_listener = listeners.iter().find(|b| is_tls_listener(b));
    for lb in &lbs {
        let classic_tls = lb.attrs_at("listener.lb_protocol").any(|v| v.text().eq_ignore_ascii_case("https"))
            || lb.attr("listener.ssl_certificate_id").is_some();
        match tls_listener {
            Some(l) => {
                out.push((1.0, format!("{} with the HTTPS listener `{}`", tf_label(lb), l.label()), tf_evidence(l)))
            }
            None if classic_tls => out.push((1.0, format!("{} with an HTTPS listener", tf_label(lb)), tf_evidence(lb))),
            None => {
                out.push((0.5, format!("{} but no listener on 443 with a certificate", tf_label(lb)), tf_evidence(lb)))
            }
        }
    }
    let (alb_modules, _) = tf_modules(repo, &["terraform-aws-modules/alb", "cloudposse/alb"]);
    for m in alb_modules {
        if tf_any_key(m, "certificate_arn").is_some() {
            out.push((1.0, format!("{}, a load balancer with a certificate", tf_label(m)), tf_evidence(m)));
        } else {
            out.push((0.5, format!("{}, a load balancer without a certificate", tf_label(m)), tf_evidence(m)));
        }
    }
    let (https, _) = tf_resources(
        repo,
        &[
            "google_compute_target_https_proxy",
            "google_compute_region_target_https_proxy",
            "google_compute_target_ssl_proxy",
        ],
    );
    out.extend(
        https.iter().map(|b| (1.0, format!("{}, a Google Cloud HTTPS load balancer", tf_label(b)), tf_evidence(b))),
    );
    let (gcp_plain, _) = tf_resources(repo, &["google_compute_target_http_proxy", "google_compute_url_map"]);
    out.extend(
        gcp_plain
            .iter()
            .map(|b| (0.5, format!("{}, a load balancer without an HTTPS proxy", tf_label(b)), tf_evidence(b))),
    );
    let (gcp_modules, _) = tf_modules(repo, &["terraform-google-modules/lb-http", "GoogleCloudPlatform/lb-http"]);
    for m in gcp_modules {
        let ssl = m.is_true("ssl")
            || m.is_true("managed_ssl_certificate_domains")
            || m.has("managed_ssl_certificate_domains");
        out.push(if ssl {
            (1.0, format!("{} with SSL", tf_label(m)), tf_evidence(m))
        } else {
            (0.5, format!("{} without SSL", tf_label(m)), tf_evidence(m))
        });
    }
    let (gateways, _) = tf_resources(repo, &["azurerm_application_gateway"]);
    for g in gateways {
        if g.has("ssl_certificate") {
            out.push((1.0, format!("{} with an SSL certificate", tf_label(g)), tf_evidence(g)));
        } else {
            out.push((0.5, format!("{} without an SSL certificate", tf_label(g)), tf_evidence(g)));
        }
    }
    let (azure_lb, _) = tf_resources(repo, &["azurerm_lb"]);
    out.extend(azure_lb.iter().map(|b| {
        (0.4, format!("{}, a layer-4 load balancer that does not terminate TLS", tf_label(b)), tf_evidence(b))
    }));
    out
}

pub struct LoadBalancerTls;

impl Check for LoadBalancerTls {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.edge.load_balancer_tls",
            title: "A load balancer terminates TLS in front of the application",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A load balancer spreads traffic over healthy instances and is where certificates are managed; without one, a single server is both the entry point and the single point of failure.",
            remediation: "Declare a load balancer with an HTTPS listener (`aws_lb` with an `aws_lb_listener` on 443 and `certificate_arn`, a Google HTTPS proxy, an Azure Application Gateway) or a Kubernetes Ingress or Gateway with `tls:` and a certificate (cert-manager, managed certificates).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut all = tf_edge(repo);
        all.extend(repo.k8s.objects.iter().filter(|o| o.location.is_project()).filter_map(k8s_edge));
        all.extend(chart_ingress(repo));
        if let Some(f) = best_finding(&all) {
            return f;
        }
        if let Some(h) = repo.scan.project_hits("proxy.tls").next() {
            return Finding::partial(
                0.4,
                format!(
                    "only a web server or proxy terminates TLS (`{}`: `{}`); no load balancer is declared",
                    h.path, h.text
                ),
            )
            .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        if let Some(unknown) = tf_unknown(repo, "a load balancer is declared") {
            return unknown;
        }
        Finding::fail(
            "no load balancer or ingress is declared (looked for Terraform `aws_lb` with listeners, Google HTTPS proxies, Azure Application Gateways, Kubernetes Ingress, Gateway and LoadBalancer Services, Helm ingress values, and TLS in nginx, Caddy or Traefik configuration)",
        )
    }
}

/// A CDN declared as code, with a score (redirecting plain HTTP or not).
pub(crate) fn cdn(repo: &RepoFacts) -> Vec<Candidate> {
    let mut out = Vec::new();
    let (cloudfront, _) = tf_resources(repo, &["aws_cloudfront_distribution"]);
    for b in cloudfront {
        let policies: Vec<String> =
            b.attrs.iter().filter(|(k, _)| k.ends_with("viewer_protocol_policy")).map(|(_, v)| v.text()).collect();
        if policies.iter().any(|p| p == "allow-all") {
            out.push((
                0.6,
                format!("{}, a CloudFront distribution that still serves plain HTTP (`allow-all`)", tf_label(b)),
                tf_evidence(b),
            ));
        } else {
            out.push((1.0, format!("{}, a CloudFront distribution", tf_label(b)), tf_evidence(b)));
        }
    }
    let (modules, _) = tf_modules(repo, &["terraform-aws-modules/cloudfront", "cloudposse/cloudfront"]);
    out.extend(modules.iter().map(|b| (1.0, format!("{}, a CloudFront distribution", tf_label(b)), tf_evidence(b))));
    let (backends, _) = tf_resources(repo, &["google_compute_backend_bucket", "google_compute_backend_service"]);
    out.extend(
        backends
            .iter()
            .filter(|b| b.is_true("enable_cdn"))
            .map(|b| (1.0, format!("{} with Cloud CDN enabled", tf_label(b)), tf_evidence(b))),
    );
    let (others, _) = tf_resources(
        repo,
        &[
            "azurerm_cdn_profile",
            "azurerm_cdn_endpoint",
            "azurerm_cdn_frontdoor_profile",
            "azurerm_frontdoor",
            "fastly_service_vcl",
            "fastly_service_compute",
            "cloudflare_zone_settings_override",
        ],
    );
    out.extend(others.iter().map(|b| (1.0, format!("{}, a CDN", tf_label(b)), tf_evidence(b))));
    let (records, _) = tf_resources(repo, &["cloudflare_record", "cloudflare_dns_record"]);
    out.extend(
        records
            .iter()
            .filter(|b| b.is_true("proxied"))
            .take(1)
            .map(|b| (1.0, format!("{}, proxied through Cloudflare's CDN", tf_label(b)), tf_evidence(b))),
    );
    for o in repo.k8s.objects.iter().filter(|o| o.location.is_project() && o.kind == "BackendConfig") {
        if o.doc.at("spec.cdn.enabled").and_then(Node::as_bool) == Some(true) {
            out.push((1.0, format!("{} enables Cloud CDN", obj_label(o)), obj_evidence(o)));
        }
    }
    out
}

pub struct CdnDeclared;

impl Check for CdnDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.edge.cdn_declared",
            title: "A CDN serves the application's static and cacheable content",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A CDN answers from the edge close to users, absorbs traffic spikes and attacks, and takes static assets off the application servers.",
            remediation: "Declare a CDN as code: `aws_cloudfront_distribution` with `viewer_protocol_policy = \"redirect-to-https\"`, Cloud CDN (`enable_cdn = true` on a backend), Azure Front Door, Fastly, or proxied Cloudflare records.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(f) = best_finding(&cdn(repo)) {
            return f;
        }
        if let Some(unknown) = tf_unknown(repo, "a CDN is declared") {
            return unknown;
        }
        Finding::fail(
            "no CDN is declared (looked for CloudFront distributions, Cloud CDN backends, Azure CDN and Front Door, Fastly services, proxied Cloudflare records and GKE BackendConfig with CDN)",
        )
    }
}

const DNS: &[&str] = &[
    "aws_route53_zone",
    "aws_route53_record",
    "google_dns_managed_zone",
    "google_dns_record_set",
    "azurerm_dns_zone",
    "azurerm_dns_a_record",
    "azurerm_dns_cname_record",
    "cloudflare_zone",
    "cloudflare_record",
    "cloudflare_dns_record",
    "digitalocean_domain",
    "digitalocean_record",
];

pub struct DnsManagedAsCode;

impl Check for DnsManagedAsCode {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.edge.dns_managed_as_code",
            title: "DNS records are managed as code",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "DNS edited by hand in a console is unreviewed and easy to get wrong during a migration or failover; records kept as code change with the infrastructure they point to.",
            remediation: "Manage zones and records with Terraform (`aws_route53_record`, `google_dns_record_set`, `cloudflare_record`) or let external-dns publish records from Kubernetes Ingresses and Services.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (records, examples) = tf_resources(repo, DNS);
        let (modules, _) = tf_modules(repo, &["terraform-aws-modules/route53", "terraform-google-modules/cloud-dns"]);
        let tf: Vec<&TfBlock> = records.into_iter().chain(modules).collect();
        if let Some(b) = tf.first() {
            return Finding::pass(format!("{} ({} DNS resource(s) in Terraform)", tf_label(b), tf.len()))
                .with(tf.iter().take(3).map(|b| tf_evidence(b)));
        }
        if let Some((o, image)) =
            k8s_running(repo, &["external-dns"]).into_iter().find(|(o, _)| o.location.is_project())
        {
            return Finding::pass(format!(
                "{} runs `{image}`, which publishes DNS records from the cluster",
                obj_label(o)
            ))
            .with_one(obj_evidence(o));
        }
        if let Some(o) = repo.k8s.objects.iter().find(|o| {
            o.location.is_project()
                && ((o.group() == "externaldns.k8s.io" && o.kind == "DNSEndpoint")
                    || (o.group() == "dns.cnrm.cloud.google.com"))
        }) {
            return Finding::pass(format!("{} declares DNS records", obj_label(o))).with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, &["external-dns"]).first() {
            return Finding::pass(format!("{}, which publishes DNS records from the cluster", sc.label()))
                .with_one(sc.evidence());
        }
        let (releases, _) = tf_resources(repo, &["helm_release"]);
        if let Some(b) = releases.iter().find(|b| tf_text(b, "chart").is_some_and(|c| c.contains("external-dns"))) {
            return Finding::pass(format!("{}, which installs external-dns", tf_label(b))).with_one(tf_evidence(b));
        }
        if let Some(o) = repo.k8s.objects.iter().find(|o| {
            o.location.is_project()
                && o.doc.key("metadata").key("annotations").get("external-dns.alpha.kubernetes.io/hostname").is_some()
        }) {
            return Finding::partial(
                0.5,
                format!(
                    "{} asks external-dns for a hostname, but external-dns itself is not deployed from this repository",
                    obj_label(o)
                ),
            )
            .with_one(obj_evidence(o));
        }
        if let Some(b) = examples.first() {
            return Finding::partial(
                0.2,
                format!("DNS is managed as code only in {} code ({})", place(b.location), tf_label(b)),
            )
            .with_one(tf_evidence(b));
        }
        if let Some(unknown) = tf_unknown(repo, "DNS is managed as code") {
            return unknown;
        }
        Finding::fail(
            "no DNS zone or record is managed as code (looked for Route 53, Cloud DNS, Azure DNS and Cloudflare resources in Terraform, and external-dns on Kubernetes)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    const ALB: &str = "resource \"aws_lb\" \"web\" {\n  load_balancer_type = \"application\"\n}\n";
    const HTTPS_LISTENER: &str = "resource \"aws_lb_listener\" \"https\" {\n  load_balancer_arn = aws_lb.web.arn\n  port = 443\n  protocol = \"HTTPS\"\n  certificate_arn = aws_acm_certificate.c.arn\n}\n";

    #[test]
    fn load_balancer() {
        let ingress_tls = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: web-tls\n";
        let ingress_plain =
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules: []\n";
        let gke = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    networking.gke.io/managed-certificates: cert\nspec:\n  rules: []\n";
        for (name, files, want) in [
            ("alb with https", vec![("lb.tf", &*format!("{ALB}{HTTPS_LISTENER}"))], Status::Pass),
            ("alb plain", vec![("lb.tf", ALB)], Status::Partial),
            ("ingress tls", vec![("k8s/ingress.yaml", ingress_tls)], Status::Pass),
            ("gke managed certificate", vec![("k8s/ingress.yaml", gke)], Status::Pass),
            ("ingress plain", vec![("k8s/ingress.yaml", ingress_plain)], Status::Partial),
            (
                "load balancer service",
                vec![(
                    "k8s/svc.yaml",
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n",
                )],
                Status::Partial,
            ),
            (
                "helm ingress tls",
                vec![
                    ("chart/Chart.yaml", "name: app\n"),
                    ("chart/values.yaml", "ingress:\n  enabled: true\n  tls:\n    - hosts: [x]\n"),
                    ("chart/templates/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"),
                ],
                Status::Pass,
            ),
            (
                "helm ingress empty tls",
                vec![
                    ("chart/Chart.yaml", "name: app\n"),
                    ("chart/values.yaml", "ingress:\n  enabled: false\n  tls: []\n"),
                    ("chart/templates/ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"),
                ],
                Status::Partial,
            ),
            (
                "nginx tls",
                vec![("docker/nginx.conf", "server {\n  listen 443 ssl;\n  ssl_certificate /etc/x.pem;\n}\n")],
                Status::Partial,
            ),
            ("example ingress", vec![("examples/ingress.yaml", ingress_tls)], Status::Fail),
            ("broken", vec![("lb.tf", "resource {")], Status::Unknown),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&LoadBalancerTls, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn cdn_distribution() {
        for (name, files, want) in [
            (
                "cloudfront https",
                vec![(
                    "cdn.tf",
                    "resource \"aws_cloudfront_distribution\" \"d\" {\n  default_cache_behavior {\n    viewer_protocol_policy = \"redirect-to-https\"\n  }\n}\n",
                )],
                Status::Pass,
            ),
            (
                "cloudfront allow-all",
                vec![(
                    "cdn.tf",
                    "resource \"aws_cloudfront_distribution\" \"d\" {\n  default_cache_behavior {\n    viewer_protocol_policy = \"allow-all\"\n  }\n}\n",
                )],
                Status::Partial,
            ),
            (
                "cloud cdn",
                vec![("lb.tf", "resource \"google_compute_backend_bucket\" \"b\" {\n  enable_cdn = true\n}\n")],
                Status::Pass,
            ),
            (
                "backend without cdn",
                vec![("lb.tf", "resource \"google_compute_backend_bucket\" \"b\" {\n  enable_cdn = false\n}\n")],
                Status::Fail,
            ),
            ("commented", vec![("cdn.tf", "# resource \"aws_cloudfront_distribution\" \"d\" {}\n")], Status::Fail),
            ("broken", vec![("cdn.tf", "resource {")], Status::Unknown),
        ] {
            let f = run(&CdnDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn dns() {
        for (name, files, want) in [
            (
                "route53",
                vec![("dns.tf", "resource \"aws_route53_record\" \"www\" {\n  name = \"www\"\n}\n")],
                Status::Pass,
            ),
            (
                "external-dns sub-chart",
                vec![
                    ("helm/Chart.yaml", "name: app\n"),
                    ("helm/values.yaml", "external-dns:\n  enabled: true\n  provider: cloudflare\n"),
                ],
                Status::Pass,
            ),
            (
                "external-dns deployment",
                vec![(
                    "k8s/dns.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: external-dns\nspec:\n  template:\n    spec:\n      containers:\n        - name: d\n          image: registry.k8s.io/external-dns/external-dns:v0.14.0\n",
                )],
                Status::Pass,
            ),
            (
                "example",
                vec![("examples/dns/main.tf", "resource \"aws_route53_zone\" \"z\" {\n  name = \"x\"\n}\n")],
                Status::Partial,
            ),
            (
                "disabled sub-chart",
                vec![("helm/Chart.yaml", "name: app\n"), ("helm/values.yaml", "external-dns:\n  enabled: false\n")],
                Status::Fail,
            ),
            ("broken", vec![("dns.tf", "resource {")], Status::Unknown),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&DnsManagedAsCode, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
