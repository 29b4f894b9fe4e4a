//! The running system on the command line: `--aws` and its options, `--url`, the
//! `maturity aws policy` command, and the lines the terminal scorecard shows about the account
//! and the endpoints (identity, failed calls, declared versus deployed).

use crate::Failure;
use crate::term::{bold, cell, dim, new_table, safe};
use clap::Args;
use comfy_table::Cell;
use maturity_checks::facts::aws::AwsOptions;
use maturity_checks::facts::probe::ProbeOptions;
use maturity_core::LiveOptions;
use maturity_core::report::live;
use maturity_core::scorecard::Scorecard;

#[derive(Args, Debug, Default)]
pub struct LiveArgs {
    /// Also audit the AWS account (read-only calls; credentials from the standard chain).
    #[arg(long)]
    aws: bool,
    /// AWS profile of the shared config files (with --aws).
    #[arg(long, value_name = "NAME", requires = "aws")]
    profile: Option<String>,
    /// AWS region to read (repeatable; default: the profile's region) (with --aws).
    #[arg(long = "region", value_name = "REGION", requires = "aws", conflicts_with = "all_regions")]
    regions: Vec<String>,
    /// Read every region enabled for the account (with --aws).
    #[arg(long, requires = "aws")]
    all_regions: bool,
    /// Send every AWS call to this endpoint, e.g. a local emulator (with --aws).
    #[arg(long, value_name = "URL", env = "AWS_ENDPOINT_URL", requires = "aws")]
    endpoint_url: Option<String>,
    /// AWS calls in flight at once (with --aws).
    #[arg(long, value_name = "N", default_value_t = 16, requires = "aws", hide_short_help = true)]
    aws_concurrency: usize,
    /// Probe a deployed endpoint: security headers, HTTPS and TLS, a sample of response times
    /// (repeatable).
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// Timed requests per --url for the response-time sample (1–50).
    #[arg(long, value_name = "N", default_value_t = 10, hide_short_help = true)]
    url_samples: usize,
}

impl LiveArgs {
    pub fn options(&self) -> Result<LiveOptions, Failure> {
        if !(1..=50).contains(&self.url_samples) {
            return Err(Failure::input(format!("--url-samples must be between 1 and 50, not {}", self.url_samples)));
        }
        if !(1..=128).contains(&self.aws_concurrency) {
            return Err(Failure::input(format!(
                "--aws-concurrency must be between 1 and 128, not {}",
                self.aws_concurrency
            )));
        }
        for u in &self.urls {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(Failure::input(format!("--url {u}: expected an http:// or https:// address")));
            }
        }
        let aws = self.aws.then(|| AwsOptions {
            profile: self.profile.clone(),
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            endpoint_url: self.endpoint_url.clone().filter(|e| !e.is_empty()),
            concurrency: self.aws_concurrency,
            ..AwsOptions::default()
        });
        let urls = (!self.urls.is_empty()).then(|| ProbeOptions {
            urls: self.urls.clone(),
            samples: self.url_samples,
            ..ProbeOptions::default()
        });
        Ok(LiveOptions { aws, urls })
    }
}

/// `maturity aws policy`: the IAM policy the audit needs, from the operation table it calls.
pub fn policy() -> Result<u8, Failure> {
    println!("{}", maturity_checks::facts::aws::ops::policy());
    Ok(0)
}

/// Warnings on standard error when the account could not be read, or some calls failed.
pub fn warnings(card: &Scorecard, colors: crate::term::Colors) {
    for w in live::warnings(card) {
        crate::term::warning(&w, colors);
    }
}

/// Lines under the scorecard's title: who the account was read as, and what endpoints answered.
pub fn header(card: &Scorecard, color: bool) -> String {
    live::summary(card).iter().map(|line| format!("{}\n", dim(&safe(line), color))).collect()
}

/// Calls that failed and declared versus deployed, after the tables.
pub fn details(card: &Scorecard, color: bool) -> String {
    let mut out = String::new();
    let failed = live::failed_calls(card);
    if !failed.is_empty() {
        out.push_str(&bold("AWS calls that gave no answer\n", color));
        for f in failed.iter().take(12) {
            out.push_str(&format!("  {}\n", safe(f)));
        }
        if failed.len() > 12 {
            out.push_str(&format!("  … and {} more (see --format json)\n", failed.len() - 12));
        }
        out.push('\n');
    }
    let rows = live::drift_rows(card, 4);
    if rows.is_empty() {
        return out;
    }
    out.push_str(&bold("Declared versus deployed\n", color));
    let mut t = new_table(color);
    t.set_header(vec!["", "Item", "Resource", "Declared, not deployed", "Deployed, not declared", "Matched"]);
    for r in &rows {
        t.add_row(vec![
            Cell::new(""),
            cell(&r.item_id),
            cell(&r.kind),
            cell(&r.declared_not_deployed),
            cell(&r.deployed_not_declared),
            Cell::new(r.matched_count),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\n");
    out
}
