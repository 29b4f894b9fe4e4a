//! CloudWatch alarms (roadmap item 3.3): metric and composite alarms and whether they notify
//! anyone. Read over the Query protocol (see `query.rs` for why), so the answer is XML.

use super::call::Ctx;
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Alarm {
    pub res: Res,
    pub composite: bool,
    pub actions_enabled: bool,
    /// Actions on entering ALARM (SNS topics, Auto Scaling policies...).
    pub alarm_actions: Vec<String>,
    pub ok_actions: Vec<String>,
    pub state: String,
    /// `AWS/RDS CPUUtilization`, for metric alarms.
    pub metric: Option<String>,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<Alarm> {
    let params =
        [("AlarmTypes.member.1", "MetricAlarm".to_string()), ("AlarmTypes.member.2", "CompositeAlarm".to_string())];
    let Some(pages) = ctx.query(&ops::CLOUDWATCH_DESCRIBE_ALARMS, region, &params).await else { return Vec::new() };
    pages.iter().flat_map(|p| parse(p, region)).collect()
}

/// Alarms of one `DescribeAlarms` page.
pub fn parse(xml: &str, region: &str) -> Vec<Alarm> {
    let Ok(doc) = roxmltree::Document::parse(xml) else { return Vec::new() };
    let mut out = Vec::new();
    for list in doc.descendants().filter(|n| matches!(n.tag_name().name(), "MetricAlarms" | "CompositeAlarms")) {
        let composite = list.tag_name().name() == "CompositeAlarms";
        for m in list.children().filter(|n| n.tag_name().name() == "member") {
            let field = |name: &str| {
                m.children().find(|c| c.tag_name().name() == name).and_then(|c| c.text()).map(|t| t.trim().to_string())
            };
            let members = |name: &str| -> Vec<String> {
                m.children()
                    .find(|c| c.tag_name().name() == name)
                    .map(|c| {
                        c.children()
                            .filter_map(|x| x.text())
                            .map(|t| t.trim().to_string())
                            .filter(|t| !t.is_empty())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let metric = match (field("Namespace"), field("MetricName")) {
                (Some(ns), Some(name)) => Some(format!("{ns} {name}")),
                (None, Some(name)) => Some(name),
                _ => None,
            };
            out.push(Alarm {
                res: Res::new(region, field("AlarmName").unwrap_or_default(), field("AlarmArn").as_deref()),
                composite,
                actions_enabled: field("ActionsEnabled").as_deref() != Some("false"),
                alarm_actions: members("AlarmActions"),
                ok_actions: members("OKActions"),
                state: field("StateValue").unwrap_or_default(),
                metric,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn alarms_are_read_from_query_xml() {
        // the shape CloudWatch answers DescribeAlarms in (Query protocol, 2010-08-01)
        let xml = r#"<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><DescribeAlarmsResult>
<MetricAlarms><member><AlarmName>api-5xx</AlarmName><AlarmArn>arn:aws:cloudwatch:eu-west-1:1:alarm:api-5xx</AlarmArn><ActionsEnabled>true</ActionsEnabled>
<AlarmActions><member>arn:aws:sns:eu-west-1:1:oncall</member></AlarmActions><OKActions/><StateValue>OK</StateValue><Namespace>AWS/ApplicationELB</Namespace><MetricName>HTTPCode_Target_5XX_Count</MetricName>
<Dimensions><member><Name>LoadBalancer</Name><Value>app/x</Value></member></Dimensions></member>
<member><AlarmName>silent</AlarmName><ActionsEnabled>false</ActionsEnabled><AlarmActions/></member></MetricAlarms>
<CompositeAlarms><member><AlarmName>service-down</AlarmName><AlarmActions><member>arn:aws:sns:eu-west-1:1:pager</member></AlarmActions></member></CompositeAlarms>
</DescribeAlarmsResult></DescribeAlarmsResponse>"#;
        let alarms = super::parse(xml, "eu-west-1");
        assert_eq!(alarms.len(), 3);
        assert_eq!(alarms[0].res.name, "api-5xx");
        assert_eq!(alarms[0].alarm_actions, vec!["arn:aws:sns:eu-west-1:1:oncall"]);
        assert_eq!(alarms[0].metric.as_deref(), Some("AWS/ApplicationELB HTTPCode_Target_5XX_Count"));
        assert!(alarms[0].actions_enabled);
        assert!(!alarms[1].actions_enabled && alarms[1].alarm_actions.is_empty());
        assert!(alarms[2].composite);
        assert!(super::parse("<html>", "x").is_empty());
    }
}
