// Package config is AWS Config for localwatch: a configuration recorder that
// turns the changes of an application's resources into configuration items, a
// queryable history of those items (at any past instant, and through the
// relationship graph), snapshots delivered to an object store, and rules that
// judge each change and notify an SNS topic when compliance flips.
//
// # Model
//
// One [Service] is AWS Config in one account and region. As in AWS it has at
// most one configuration recorder (PutConfigurationRecorder, with a recording
// group and a recording mode) and one delivery channel (PutDeliveryChannel: a
// bucket of the [objstore.Store], an SNS topic ARN, a snapshot frequency).
// Nothing is recorded until StartConfigurationRecorder.
//
// AWS Config discovers resources by watching the services that own them. Here
// the embedding application plays those services: it declares each
// resource's state with [Service.RecordResource] (type such as
// AWS::EC2::Instance or a custom type, ID, name, ARN, configuration document,
// supplementary configuration, tags, relationships, availability zone,
// creation time) and its deletion with [Service.RecordDeletion]. Custom
// (third-party) resources can also use AWS's own API, PutResourceConfig and
// DeleteResourceConfig, with its validation.
//
// # Use
//
//	c := config.New(config.Options{Clock: clk, Bus: b}) // inside localwatch.New: Stack.Config
//	defer c.Close()
//	c.PutConfigurationRecorder(ctx, config.PutConfigurationRecorderInput{ConfigurationRecorder: config.ConfigurationRecorder{Name: "default", RoleARN: role}})
//	c.PutDeliveryChannel(ctx, config.PutDeliveryChannelInput{DeliveryChannel: config.DeliveryChannel{Name: "default", S3BucketName: "config-bucket"}})
//	c.StartConfigurationRecorder(ctx, config.StartConfigurationRecorderInput{ConfigurationRecorderName: "default"})
//	c.RecordResource(ctx, config.ResourceConfig{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1", Configuration: cfg})
//	c.GetResourceConfigHistory(ctx, config.GetResourceConfigHistoryInput{ResourceType: "AWS::EC2::Instance", ResourceID: "i-1"})
//
// # Data flow
//
// The declared state is kept apart from the recorded items. When the recorder
// records the type and the state differs from the resource's last item, a new
// [ConfigurationItem] is appended: ResourceDiscovered for a new (or
// re-created) resource, OK for a change, ResourceDeleted for a deletion, and
// ResourceNotRecorded / ResourceDeletedNotRecorded for types outside the
// recording group. An unchanged state records nothing. Declaring a
// relationship adds the reverse relationship to the related resource (an
// instance "Is associated with SecurityGroup"; the group "Is associated with
// Instance"), so a relationship change records items for the related
// resources too, exactly as in AWS's documented example. Types recorded DAILY
// get at most one item a day, on the clock, only if the state changed.
//
// For every new item the service, after releasing its lock:
//   - publishes a [ChangeEvent] on the bus;
//   - publishes an event.Notification for the delivery channel's topic with
//     AWS's ConfigurationItemChangeNotification (subject "[AWS Config:region]
//     type id Created|Updated|Deleted in Account n", configurationItemDiff,
//     the item in the notification shape), or, above SNS's 256 KB, the
//     plain-text OversizedConfigurationItemChangeNotification with the full
//     message in the object store;
//   - runs the change-triggered rules in scope.
//
// It subscribes to event.APICall, filtered (bus.SubscribeFiltered) to the
// calls that can change a resource: successful write management events of
// other services, once some resource is declared. Those whose resources or
// request parameters name a known resource (by ARN or ID; the parameters are
// walked under encoding/json's rules, never encoded) are listed in that
// resource's next item's relatedEvents. Data events (PutMetricData,
// PutLogEvents, SNS Publish) and reads are never looked at, and their
// parameters are not even built for Config.
//
// Items exist in two shapes, as in AWS: the API shape ([ConfigurationItem]:
// version, accountId, arn, configurationItemMD5Hash, relationshipName,
// configuration as a JSON string, string configurationStateId) returned by
// GetResourceConfigHistory, and the notification shape ([NotificationItem]:
// configurationItemVersion, awsAccountId, ARN, configurationStateMd5Hash,
// name, configuration as an object, numeric configurationStateId) used in
// notifications, snapshot files and rule events.
//
// # Queries
//
// GetResourceConfigHistory, BatchGetResourceConfig, ListDiscoveredResources,
// GetDiscoveredResourceCounts and SelectResourceConfig (the inventory query:
// SELECT fields, WHERE with =, !=, IN, LIKE, AND/OR and tags, COUNT(*),
// GROUP BY) follow AWS's parameters, limits, pagination and errors. A
// history page spans at most seven days, as AWS's does, so it may be short
// or empty with a nextToken. Capture times are whole milliseconds, so the
// lookup GetResourceConfigHistory(laterTime=<capture time>, limit=1) that
// AWS's rule code makes finds the item itself. Resource types are AWS's
// ResourceType enum (from botocore's model) or custom
// Organization::Service::Type names; the delivery channel's bucket follows
// S3's bucket naming rules (NoSuchBucketException otherwise).
// [Service.ConfigurationItemAt] answers "what did this resource look like at
// T" and [Service.Impact] "what would a change to it affect": the resources
// reachable through the relationships in effect at any instant, transitively
// and with a depth bound. Each resource's items are kept in a btree ordered by
// capture time, so both are logarithmic in the history length.
//
// # Snapshots, history files and retention
//
// DeliverConfigSnapshot (and the channel's periodic delivery, on the clock)
// writes the current items to
// [prefix/]AWSLogs/account/Config/region/Y/M/D/ConfigSnapshot/account_Config_region_ConfigSnapshot_YYYYMMDDTHHMMSSZ_id.json.gz
// (month and day not zero-padded, as AWS writes them) with the
// delivery-started and delivery-completed notifications; [ParseSnapshot]
// reads such files. A history file that cannot be written is retried with
// the next window instead of lost. Every Options.HistoryDeliveryInterval (6 hours by
// default) a configuration history file per resource type with the window's
// items goes to .../ConfigHistory/, announced by
// ConfigurationHistoryDeliveryCompleted. Items older than the retention period
// (PutRetentionConfiguration, 30 to 2557 days, default 2557) are not returned
// and are swept daily, except the current item of an existing resource.
//
// # Rules
//
// PutConfigRule accepts AWS managed rules (Owner AWS) among
// [ManagedRuleIdentifiers] — REQUIRED_TAGS, DESIRED_INSTANCE_TYPE,
// S3_BUCKET_VERSIONING_ENABLED, EC2_INSTANCE_NO_PUBLIC_IP, with the
// parameters and semantics AWS documents — and custom rules (Owner
// CUSTOM_LAMBDA) whose SourceIdentifier is a Lambda ARN registered with
// [Service.RegisterRuleFunction]: the Go function receives AWS's Lambda event
// ([RuleEvent], invokingEvent and all) and returns evaluations, or calls
// PutEvaluations with the result token. Rules run on configuration changes
// within their scope (types, resource ID, tag key and value; eventLeftScope
// when a resource leaves it), periodically on the clock
// (ScheduledNotification, One_Hour to TwentyFour_Hours), after snapshot
// delivery, when created, and on StartConfigRulesEvaluation. Each change of a
// resource's compliance publishes a [ComplianceChangeEvent] and a
// ComplianceChangeNotification. DescribeComplianceByConfigRule,
// DescribeComplianceByResource, GetComplianceDetailsByConfigRule,
// GetComplianceDetailsByResource, GetComplianceSummaryByConfigRule,
// GetComplianceSummaryByResourceType and DescribeConfigRuleEvaluationStatus
// (which shows a function's last error: a returned error, a panic or
// evaluations PutEvaluations would reject) read the results. An oversized
// item reaches change-triggered rules as AWS's
// OversizedConfigurationItemChangeNotification summary only. PutConfigRule
// updates a rule named by ConfigRuleName, ConfigRuleId or ConfigRuleArn;
// rules can be tagged (TagResource, UntagResource, ListTagsForResource) and
// given remediation configurations (stored and described, never run);
// PutExternalEvaluation records an outside verdict.
//
// # Lifecycle
//
// Every operation treats a nil context as context.Background(). After Close,
// every operation fails with ServiceUnavailableException (HTTP 503); Close
// may be called again. Every lock is released by defer.
//
// # Differences from AWS
//
//   - Everything happens synchronously in the caller's goroutine or a clock
//     callback; AWS's minutes of delay do not exist. Rule deletion skips the
//     DELETING state.
//   - Items are version "1.3", but relatedEvents and configurationItemMD5Hash
//     are filled in (AWS leaves both empty since 1.3) because linking items
//     to the API calls of the stack is the point of relatedEvents here. The MD5
//     hash covers the recorded state, not AWS's undocumented input.
//   - Configuration documents are stored canonically (compact, keys sorted),
//     so key order never makes a change.
//   - Related resources that were never declared get no items (AWS would
//     discover them itself).
//   - Guard rules (CUSTOM_POLICY), conformance packs, aggregators,
//     remediation execution, evaluation modes and KMS encryption of
//     deliveries are not modelled. SelectResourceConfig knows the SQL subset
//     above (no BETWEEN, <, >, NOT on groups, ORDER BY) and orders results by
//     type and ID. Tags apply to rules only. PutExternalEvaluation accepts
//     any rule (AWS: process checks). GetComplianceSummaryByConfigRule caps
//     its counts at 100 (AWS: 25).
//   - RecordResource accepts AWS types outside Config's enum (the
//     application acts as their owning service, e.g. AWS::Logs::LogGroup);
//     the queries then accept those types too. A resource declared without a
//     creation time gets the time it was first declared (AWS: null when
//     unknown).
//   - relatedEvents link only write management events: data events never
//     change a configuration. BatchGetResourceConfig never returns
//     unprocessed keys. The object store has no bucket policies, so
//     InsufficientDeliveryPolicyException and NoSuchBucketException (beyond an
//     empty name) never occur; a failing Put is reported as a failed delivery.
//   - RecordResource, RecordDeletion, ConfigurationItemAt, Impact and
//     RegisterRuleFunction are not AWS APIs and record no event.APICall; every
//     AWS operation does (EventSource config.amazonaws.com).
package config
