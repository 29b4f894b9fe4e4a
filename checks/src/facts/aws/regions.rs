//! The regions enabled for the account, for `--all-regions`. EC2's `DescribeRegions` lists
//! exactly those (opted-in and default regions); it is read over the Query protocol so that the
//! very large EC2 SDK is not needed for one call.

use super::call::Ctx;
use super::ops;

pub async fn enabled(ctx: &Ctx, region: &str) -> Option<Vec<String>> {
    let pages = ctx.query(&ops::EC2_DESCRIBE_REGIONS, region, &[]).await?;
    let mut out = Vec::new();
    for page in pages {
        out.extend(parse(&page));
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// Names of the enabled regions of a `DescribeRegions` answer (an endpoint that lists regions
/// the account has not opted in to says so in `optInStatus`).
fn parse(xml: &str) -> Vec<String> {
    let Ok(doc) = roxmltree::Document::parse(xml) else { return Vec::new() };
    let child = |item: roxmltree::Node, name: &str| {
        item.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(|t| t.trim().to_string())
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "item" && n.children().any(|c| c.tag_name().name() == "regionName"))
        .filter(|item| child(*item, "optInStatus").as_deref() != Some("not-opted-in"))
        .filter_map(|item| child(item, "regionName"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_names_are_read() {
        // the shape EC2 answers (recorded from the EC2 Query API)
        let xml = r#"<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId><regionInfo><item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item><item><regionName>us-east-1</regionName></item><item><regionName>ap-east-1</regionName><optInStatus>not-opted-in</optInStatus></item></regionInfo></DescribeRegionsResponse>"#;
        assert_eq!(super::parse(xml), vec!["eu-west-1", "us-east-1"]);
        assert!(super::parse("not xml").is_empty());
    }
}
