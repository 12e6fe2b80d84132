// The TodoList app's five stacks written with the AWS CDK (aws-cdk-lib, TypeScript): the baseline
// bench/synth.py times our synth against. Same stacks, same cross-stack references as main.py:
// ECS uses the VPC and the repository, the pipeline deploys the service, the site's API origin is
// the load balancer's DNS name. Idiomatic AWS CDK: L2 constructs and ecs-patterns, defaults where
// they match ours.
//
// Synth works offline: the stacks are environment-agnostic (no account or region, so no lookups;
// the two zones come from Fn::GetAZs), and the output goes to CDK_OUTDIR (a temporary directory
// in the benchmark). Build: `npm ci && npx tsc`; run: `CDK_OUTDIR=/tmp/out node dist/app.js`.

import { App, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as codecommit from "aws-cdk-lib/aws-codecommit";
import * as codepipeline from "aws-cdk-lib/aws-codepipeline";
import * as actions from "aws-cdk-lib/aws-codepipeline-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as ecsPatterns from "aws-cdk-lib/aws-ecs-patterns";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

// The names main.py takes from todolist_names.py.
const CONTAINER_NAME = "TodoList-Service";
const CONTAINER_PORT = 8080;
const REPOSITORY_NAME = "todolist/service";
const CLUSTER_NAME = "TodoList-Cluster";
const TABLE_NAME = "TodoList-Todos";
const TABLE_NAME_VARIABLE = "TODO_TABLE_NAME";

class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] },
      },
    });
    const flowLogGroup = new logs.LogGroup(this, "FlowLogs", { retention: logs.RetentionDays.ONE_YEAR });
    this.vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    new CfnOutput(this, "VpcId", { value: this.vpc.vpcId, description: "VPC id" });
    new CfnOutput(this, "VpcCidr", { value: this.vpc.vpcCidrBlock, description: "VPC CIDR block" });
  }
}

class EcrStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, "Repository", {
      repositoryName: REPOSITORY_NAME,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.MUTABLE,
      lifecycleRules: [
        { description: "expire untagged images after 7 days", tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7), rulePriority: 1 },
        { description: "keep the newest 20 images", tagStatus: ecr.TagStatus.ANY, maxImageCount: 20, rulePriority: 2 },
      ],
    });
    new CfnOutput(this, "RepositoryUri", { value: this.repository.repositoryUri, description: "ECR repository URL (docker push target)" });
  }
}

interface EcsStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
  readonly repository: ecr.IRepository;
}

class EcsStack extends Stack {
  readonly service: ecsPatterns.NetworkLoadBalancedFargateService;

  constructor(scope: Construct, id: string, props: EcsStackProps) {
    super(scope, id, props);
    const table = new dynamodb.Table(this, "Table", {
      tableName: TABLE_NAME,
      partitionKey: { name: "id", type: dynamodb.AttributeType.NUMBER },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cluster = new ecs.Cluster(this, "Cluster", {
      clusterName: CLUSTER_NAME,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.service = new ecsPatterns.NetworkLoadBalancedFargateService(this, "Service", {
      cluster,
      serviceName: "TodoList-Service",
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 1,
      listenerPort: 80,
      publicLoadBalancer: true,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
      taskImageOptions: {
        image: ecs.ContainerImage.fromEcrRepository(props.repository, "latest"),
        containerName: CONTAINER_NAME,
        containerPort: CONTAINER_PORT,
        environment: { [TABLE_NAME_VARIABLE]: table.tableName },
        logDriver: ecs.LogDrivers.awsLogs({
          streamPrefix: "service",
          logGroup: new logs.LogGroup(this, "ServiceLogs", { retention: logs.RetentionDays.ONE_YEAR }),
        }),
      },
    });
    // An NLB keeps the client's address: the tasks accept the listener's traffic from the VPC.
    this.service.service.connections.allowFrom(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(CONTAINER_PORT), "NLB to the container");
    this.service.targetGroup.setAttribute("deregistration_delay.timeout_seconds", "30");
    table.grantReadWriteData(this.service.taskDefinition.taskRole);
    new CfnOutput(this, "LoadBalancerDNS", { value: this.service.loadBalancer.loadBalancerDnsName, description: "DNS name of the Network Load Balancer" });
    new CfnOutput(this, "TableName", { value: table.tableName, description: "DynamoDB table of the todos" });
  }
}

interface CicdStackProps extends StackProps {
  readonly service: ecs.IBaseService;
  readonly repository: ecr.IRepository;
}

class CicdStack extends Stack {
  constructor(scope: Construct, id: string, props: CicdStackProps) {
    super(scope, id, props);
    const source = new codecommit.Repository(this, "BackendRepository", { repositoryName: "TodoList-BackendRepository" });
    const project = new codebuild.PipelineProject(this, "Build", {
      projectName: "TodoList-Pipeline-build",
      buildSpec: codebuild.BuildSpec.fromObjectToYaml(BUILDSPEC),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.SMALL,
        privileged: true, // docker build
      },
      environmentVariables: {
        REPOSITORY_URI: { value: props.repository.repositoryUri },
        CONTAINER_NAME: { value: CONTAINER_NAME },
      },
      timeout: Duration.minutes(30),
      logging: { cloudWatch: { logGroup: new logs.LogGroup(this, "BuildLogs", { retention: logs.RetentionDays.ONE_YEAR }) } },
    });
    props.repository.grantPullPush(project);

    const sourceOutput = new codepipeline.Artifact("Source");
    const buildOutput = new codepipeline.Artifact("Build");
    const pipeline = new codepipeline.Pipeline(this, "Pipeline", {
      pipelineName: "TodoList-Pipeline",
      pipelineType: codepipeline.PipelineType.V2,
      stages: [
        { stageName: "Source", actions: [new actions.CodeCommitSourceAction({ actionName: "Source", repository: source, branch: "main", output: sourceOutput })] },
        { stageName: "Build", actions: [new actions.CodeBuildAction({ actionName: "Build", project, input: sourceOutput, outputs: [buildOutput] })] },
        { stageName: "Deploy", actions: [new actions.EcsDeployAction({ actionName: "Deploy", service: props.service, input: buildOutput })] },
      ],
    });
    new CfnOutput(this, "PipelineName", { value: pipeline.pipelineName, description: "CodePipeline name" });
    new CfnOutput(this, "CloneUrlHttp", { value: source.repositoryCloneUrlHttp, description: "HTTPS clone URL of the backend repository" });
  }
}

// pipeline/buildspec.yml as an object (main.py hands the same file to CodeBuild inline).
const BUILDSPEC = {
  version: "0.2",
  phases: {
    pre_build: {
      commands: [
        `IMAGE_TAG="$(printf '%s' "\${CODEBUILD_RESOLVED_SOURCE_VERSION:?}" | cut -c1-12)"`,
        `IMAGE_URI="\${REPOSITORY_URI:?}:\${IMAGE_TAG}"`,
        `aws ecr get-login-password --region "\${AWS_DEFAULT_REGION:?}" | docker login --username AWS --password-stdin "\${REPOSITORY_URI%%/*}"`,
      ],
    },
    build: {
      commands: [
        "python -m pip install --quiet -r app/requirements.txt pytest",
        "python -m pytest --noconftest -p no:cacheprovider tests/test_app.py",
        `docker build --tag "$IMAGE_URI" --tag "$REPOSITORY_URI:latest" app`,
      ],
    },
    post_build: {
      commands: [
        `docker push "$IMAGE_URI"`,
        `docker push "$REPOSITORY_URI:latest"`,
        `printf '[{"name":"%s","imageUri":"%s"}]' "\${CONTAINER_NAME:?}" "$IMAGE_URI" > imagedefinitions.json`,
      ],
    },
  },
  artifacts: { files: ["imagedefinitions.json"] },
};

interface WebsiteStackProps extends StackProps {
  readonly apiDomainName: string;
}

class WebsiteStack extends Stack {
  constructor(scope: Construct, id: string, props: WebsiteStackProps) {
    super(scope, id, props);
    const bucket = new s3.Bucket(this, "SiteBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const distribution = new cloudfront.Distribution(this, "Distribution", {
      defaultRootObject: "index.html",
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: {
        "/todos*": {
          origin: new origins.HttpOrigin(props.apiDomainName, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    new CfnOutput(this, "SiteUrl", { value: `https://${distribution.distributionDomainName}`, description: "CloudFront URL of the site" });
    new CfnOutput(this, "BucketName", { value: bucket.bucketName, description: "S3 bucket of the site's files" });
  }
}

// App() writes to CDK_OUTDIR, or to a fresh temporary directory when it is unset.
const app = new App();
const network = new NetworkStack(app, "TodoList-Network");
const registry = new EcrStack(app, "TodoList-ECR");
const ecsStack = new EcsStack(app, "TodoList-ECS", { vpc: network.vpc, repository: registry.repository });
new CicdStack(app, "TodoList-CICD", { service: ecsStack.service.service, repository: registry.repository });
new WebsiteStack(app, "TodoList-Website", { apiDomainName: ecsStack.service.loadBalancer.loadBalancerDnsName });
app.synth();
