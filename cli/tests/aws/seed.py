"""Seeds the moto emulator with AWS accounts for the `--aws` tests and the benchmark.

Everything is created through the AWS APIs themselves (boto3 against the emulator's endpoint),
never by writing the emulator's state directly.

usage: seed.py ENDPOINT SCENARIO [COUNT]
  well   a well-built account: every cloud check should pass (except root MFA, see below)
  half   a half-built account: some things exist, most are misconfigured
  bulk   COUNT resources or more across two regions, for the benchmark
  user   an IAM user allowed only part of the read-only policy; prints its keys as JSON
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
SCENARIO = sys.argv[2]
ACCOUNT = "123456789012"


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def network(region="us-east-1"):
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
        for n, zone in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    return vpc, subnets, sg


TAGS = [{"Key": "Service", "Value": "shop"}, {"Key": "Environment", "Value": "prod"}]


def eks(name, version, subnets, good):
    c = client("eks")
    vpc = {"subnetIds": subnets, "endpointPublicAccess": True, "endpointPrivateAccess": True}
    vpc["publicAccessCidrs"] = ["203.0.113.0/24"] if good else ["0.0.0.0/0"]
    kwargs = dict(
        name=name,
        version=version,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
        resourcesVpcConfig=vpc,
        tags={"Service": "shop"},
    )
    if good:
        kwargs["logging"] = {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]}
        kwargs["encryptionConfig"] = [
            {"resources": ["secrets"], "provider": {"keyArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/secrets"}}
        ]
    c.create_cluster(**kwargs)
    if good:
        c.create_nodegroup(
            clusterName=name,
            nodegroupName="default",
            subnets=subnets,
            nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
            scalingConfig={"minSize": 2, "maxSize": 6, "desiredSize": 3},
            tags={"Service": "shop"},
        )


def database(name, good, region="us-east-1"):
    rds = client("rds", region)
    rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.r6g.large",
        Engine="mysql",
        MasterUsername="admin",
        MasterUserPassword="correct-horse-battery",
        AllocatedStorage=100,
        MultiAZ=good,
        BackupRetentionPeriod=14 if good else 1,
        StorageEncrypted=good,
        DeletionProtection=good,
        Tags=TAGS if good else [],
    )
    return rds


def well():
    _, subnets, sg = network()
    eks("shop-prod", "1.35", subnets, good=True)
    rds = database("orders-db", good=True)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="orders-db-ro", SourceDBInstanceIdentifier="orders-db")
    rds.create_db_proxy(
        DBProxyName="orders-proxy",
        EngineFamily="MYSQL",
        Auth=[{"SecretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders"}],
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/proxy",
        VpcSubnetIds=subnets,
    )
    client("elasticache").create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        CacheNodeType="cache.r7g.large",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        TransitEncryptionEnabled=True,
        AtRestEncryptionEnabled=True,
        SnapshotRetentionLimit=7,
        Tags=TAGS,
    )
    cert = client("acm").request_certificate(DomainName="shop.example")["CertificateArn"]
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[sg], Scheme="internet-facing", Tags=TAGS)
    lb_arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=8080, VpcId=lb["LoadBalancers"][0]["VpcId"])
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )
    elb.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        ],
    )
    distribution("redirect-to-https", "shop web")
    client("route53").create_hosted_zone(Name="shop.example", CallerReference="shop")
    logs = client("logs")
    logs.create_log_group(logGroupName="/shop/web")
    logs.put_retention_policy(logGroupName="/shop/web", retentionInDays=30)
    topic = client("sns").create_topic(Name="oncall")["TopicArn"]
    alarm("api-5xx", [topic])
    trail()
    key = client("kms").create_key(Description="shop data")["KeyMetadata"]["KeyId"]
    client("kms").enable_key_rotation(KeyId=key)
    client("iam").update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        PasswordReusePrevention=24,
    )
    client("backup").create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "Default",
                    "ScheduleExpression": "cron(0 3 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )
    scaling_group("web-asg", subnets, 2, 6)
    # an Application Auto Scaling target (moto checks that an ECS service exists, not a table)
    client("application-autoscaling").register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId="table/orders",
        ScalableDimension="dynamodb:table:WriteCapacityUnits",
        MinCapacity=5,
        MaxCapacity=50,
    )
    budget("monthly", notify=True)


def distribution(policy, comment):
    client("cloudfront").create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": {
                "CallerReference": comment,
                "Comment": comment,
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "web",
                            "DomainName": "web.shop.example",
                            "CustomOriginConfig": {
                                "HTTPPort": 80,
                                "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                            },
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "web",
                    "ViewerProtocolPolicy": policy,
                    "MinTTL": 0,
                    "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                },
            },
            "Tags": {"Items": TAGS},
        }
    )


def alarm(name, actions, region="us-east-1"):
    client("cloudwatch", region).put_metric_alarm(
        AlarmName=name,
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=5,
        Threshold=10,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=actions,
        ActionsEnabled=bool(actions),
    )


def trail():
    client("s3").create_bucket(Bucket="shop-trail")
    ct = client("cloudtrail")
    ct.create_trail(Name="org-trail", S3BucketName="shop-trail", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")


def scaling_group(name, subnets, low, high, region="us-east-1"):
    ec2 = client("ec2", region)
    template = ec2.create_launch_template(
        LaunchTemplateName=f"{name}-lt", LaunchTemplateData={"ImageId": "ami-12c6146b", "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    client("autoscaling", region).create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template},
        MinSize=low,
        MaxSize=high,
        DesiredCapacity=low,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[{"Key": "Service", "Value": "shop", "PropagateAtLaunch": True}],
    )


def budget(name, notify):
    b = client("budgets")
    kwargs = dict(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": name,
            "BudgetLimit": {"Amount": "1000", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    if notify:
        kwargs["NotificationsWithSubscribers"] = [
            {
                "Notification": {
                    "NotificationType": "FORECASTED",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 80,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "team@shop.example"}],
            }
        ]
    b.create_budget(**kwargs)


def half():
    _, subnets, sg = network()
    eks("shop-prod", "1.35", subnets, good=False)
    database("orders-db", good=False)
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[sg], Scheme="internet-facing")
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=8080, VpcId=lb["LoadBalancers"][0]["VpcId"])
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancers"][0]["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}],
    )
    distribution("allow-all", "shop web")
    client("logs").create_log_group(logGroupName="/shop/web")
    alarm("api-5xx", [])
    client("kms").create_key(Description="shop data")
    scaling_group("web-asg", subnets, 2, 2)
    budget("monthly", notify=False)


def bulk(count):
    """At least `count` resources, spread over two regions and most services."""
    made = 0
    regions = ["us-east-1", "eu-west-1"]
    # per region: 3 * per (log groups, alarms, keys) + 2 * per // 2 + 2 * per // 5 >= count / 2
    per = count // 8 + 1
    for region in regions:
        _, subnets, _ = network(region)
        logs = client("logs", region)
        kms = client("kms", region)
        for n in range(per):
            logs.create_log_group(logGroupName=f"/bulk/{region}/{n}")
            logs.put_retention_policy(logGroupName=f"/bulk/{region}/{n}", retentionInDays=14)
            alarm(f"bulk-{n}", [], region)
            key = kms.create_key(Description=f"bulk {n}")["KeyMetadata"]["KeyId"]
            kms.enable_key_rotation(KeyId=key)
            made += 3
        for n in range(max(1, per // 2)):
            database(f"bulk-db-{n}", good=True, region=region)
            scaling_group(f"bulk-asg-{n}", subnets, 1, 3, region)
            made += 2
        for n in range(max(1, per // 5)):
            c = client("eks", region)
            c.create_cluster(
                name=f"bulk-{n}",
                version="1.35",
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks",
                resourcesVpcConfig={"subnetIds": subnets},
            )
            c.create_nodegroup(
                clusterName=f"bulk-{n}",
                nodegroupName="default",
                subnets=subnets,
                nodeRole=f"arn:aws:iam::{ACCOUNT}:role/node",
                scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 1},
            )
            made += 2
    print(json.dumps({"resources": made}))


def user():
    """An auditor whose policy grants part of what `maturity aws policy` prints: no RDS, no KMS."""
    actions = json.loads(sys.argv[3])
    iam = client("iam")
    iam.create_user(UserName="auditor")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    print(json.dumps({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))


if SCENARIO == "well":
    well()
elif SCENARIO == "half":
    half()
elif SCENARIO == "bulk":
    bulk(int(sys.argv[3]) if len(sys.argv) > 3 else 200)
elif SCENARIO == "user":
    user()
else:
    sys.exit(f"unknown scenario {SCENARIO}")
