package analytics

import "time"

// ApplicationStatus is the status of an application.
type ApplicationStatus string

// The application statuses of Kinesis Analytics v1.
const (
	StatusDeleting ApplicationStatus = "DELETING"
	StatusStarting ApplicationStatus = "STARTING"
	StatusStopping ApplicationStatus = "STOPPING"
	StatusReady    ApplicationStatus = "READY"
	StatusRunning  ApplicationStatus = "RUNNING"
	StatusUpdating ApplicationStatus = "UPDATING"
)

// InputStartingPosition is where a started application begins reading its
// input.
type InputStartingPosition string

// The starting positions.
const (
	StartingPositionNow              InputStartingPosition = "NOW"
	StartingPositionTrimHorizon      InputStartingPosition = "TRIM_HORIZON"
	StartingPositionLastStoppedPoint InputStartingPosition = "LAST_STOPPED_POINT"
)

// Tag is a key-value pair on an application.
type Tag struct {
	Key   string
	Value string
}

// Input configures the streaming source of an application. Exactly one of
// KinesisStreamsInput, KinesisFirehoseInput or GoInput is set.
type Input struct {
	// NamePrefix names the in-application streams: NamePrefix_001 up to
	// NamePrefix_00n for InputParallelism n.
	NamePrefix string
	// InputParallelism is the number of in-application streams (1 to 64);
	// nil means 1.
	InputParallelism             *InputParallelism
	InputProcessingConfiguration *InputProcessingConfiguration
	InputSchema                  SourceSchema
	KinesisStreamsInput          *KinesisStreamsInput
	KinesisFirehoseInput         *KinesisFirehoseInput
	// GoInput (sluice) is a source fed by [Application.PutRecords].
	GoInput *GoInput
}

// InputParallelism is the number of in-application streams an input
// creates.
type InputParallelism struct {
	Count int
}

// KinesisStreamsInput names a Kinesis stream source by ARN.
type KinesisStreamsInput struct {
	ResourceARN string
	RoleARN     string
}

// KinesisFirehoseInput names a Firehose delivery stream source by ARN.
type KinesisFirehoseInput struct {
	ResourceARN string
	RoleARN     string
}

// GoInput is a sluice source: the program writes records with
// [Application.PutRecords]. Records are kept for Retention (default 24 h)
// so TRIM_HORIZON and LAST_STOPPED_POINT work as on a Kinesis stream.
type GoInput struct {
	Retention time.Duration
}

// InputProcessingConfiguration runs records through a pre-processing
// function before they are mapped.
type InputProcessingConfiguration struct {
	InputLambdaProcessor *InputLambdaProcessor
}

// InputLambdaProcessor names the function by ARN; sluice calls the Go
// function registered with [Service.RegisterFunction] under that ARN.
type InputLambdaProcessor struct {
	ResourceARN string
	RoleARN     string
}

// Output binds an in-application stream (by exact name) to a destination.
// Exactly one of KinesisStreamsOutput, KinesisFirehoseOutput or
// LambdaOutput is set.
type Output struct {
	Name                  string
	DestinationSchema     DestinationSchema
	KinesisStreamsOutput  *KinesisStreamsOutput
	KinesisFirehoseOutput *KinesisFirehoseOutput
	LambdaOutput          *LambdaOutput
}

// DestinationSchema is the format output records are written in.
type DestinationSchema struct {
	RecordFormatType RecordFormatType
}

// KinesisStreamsOutput names a Kinesis stream destination by ARN; it is
// resolved through [Service.RegisterDestination].
type KinesisStreamsOutput struct {
	ResourceARN string
	RoleARN     string
}

// KinesisFirehoseOutput names a Firehose delivery stream destination by
// ARN; it is resolved through [Service.RegisterDestination].
type KinesisFirehoseOutput struct {
	ResourceARN string
	RoleARN     string
}

// LambdaOutput names a function destination; sluice calls the Go function
// registered with [Service.RegisterFunction] under ResourceARN, with the
// Lambda output event.
type LambdaOutput struct {
	ResourceARN string
	RoleARN     string
}

// ReferenceDataSource loads an object into an in-application table when
// the application starts.
type ReferenceDataSource struct {
	TableName             string
	S3ReferenceDataSource S3ReferenceDataSource
	ReferenceSchema       SourceSchema
}

// S3ReferenceDataSource names the object, read through [WithObjects].
type S3ReferenceDataSource struct {
	BucketARN        string
	FileKey          string
	ReferenceRoleARN string
}

// CreateApplicationInput is the input of [Service.CreateApplication].
type CreateApplicationInput struct {
	ApplicationName          string
	ApplicationDescription   string
	ApplicationCode          string
	Inputs                   []Input
	Outputs                  []Output
	CloudWatchLoggingOptions []CloudWatchLoggingOption
	Tags                     []Tag
}

// CreateApplicationOutput is the output of [Service.CreateApplication].
type CreateApplicationOutput struct {
	ApplicationSummary ApplicationSummary
}

// ApplicationSummary names an application and its status.
type ApplicationSummary struct {
	ApplicationName   string
	ApplicationARN    string
	ApplicationStatus ApplicationStatus
}

// DescribeApplicationOutput is the output of
// [Service.DescribeApplication].
type DescribeApplicationOutput struct {
	ApplicationDetail ApplicationDetail
}

// ApplicationDetail is the whole configuration of an application.
type ApplicationDetail struct {
	ApplicationName                     string
	ApplicationDescription              string
	ApplicationARN                      string
	ApplicationStatus                   ApplicationStatus
	CreateTimestamp                     time.Time
	LastUpdateTimestamp                 time.Time
	InputDescriptions                   []InputDescription
	OutputDescriptions                  []OutputDescription
	ReferenceDataSourceDescriptions     []ReferenceDataSourceDescription
	CloudWatchLoggingOptionDescriptions []CloudWatchLoggingOptionDescription
	ApplicationCode                     string
	ApplicationVersionId                int64
}

// InputDescription describes a configured input.
type InputDescription struct {
	InputId                            string
	NamePrefix                         string
	InAppStreamNames                   []string
	InputParallelism                   InputParallelism
	InputSchema                        SourceSchema
	InputProcessingConfiguration       *InputProcessingConfiguration
	InputStartingPositionConfiguration *InputStartingPositionConfiguration
	KinesisStreamsInput                *KinesisStreamsInput
	KinesisFirehoseInput               *KinesisFirehoseInput
	GoInput                            *GoInput
}

// OutputDescription describes a configured output.
type OutputDescription struct {
	OutputId string
	Output
}

// ReferenceDataSourceDescription describes a configured reference source.
type ReferenceDataSourceDescription struct {
	ReferenceId string
	ReferenceDataSource
}

// InputStartingPositionConfiguration is where an input starts reading.
type InputStartingPositionConfiguration struct {
	InputStartingPosition InputStartingPosition
}

// InputConfiguration chooses the starting position of one input in
// [Service.StartApplication].
type InputConfiguration struct {
	Id                                 string
	InputStartingPositionConfiguration InputStartingPositionConfiguration
}

// ListApplicationsInput is the input of [Service.ListApplications].
type ListApplicationsInput struct {
	// Limit is 1 to 50; 0 means 50.
	Limit                         int
	ExclusiveStartApplicationName string
}

// ListApplicationsOutput is the output of [Service.ListApplications].
type ListApplicationsOutput struct {
	ApplicationSummaries []ApplicationSummary
	HasMoreApplications  bool
}

// ApplicationUpdate is what [Service.UpdateApplication] changes; nil and
// empty fields change nothing.
type ApplicationUpdate struct {
	ApplicationCodeUpdate      *string
	InputUpdates               []InputUpdate
	OutputUpdates              []OutputUpdate
	ReferenceDataSourceUpdates []ReferenceDataSourceUpdate
}

// InputUpdate changes an input by id.
type InputUpdate struct {
	InputId                            string
	NamePrefixUpdate                   *string
	InputParallelismUpdate             *InputParallelism
	InputSchemaUpdate                  *SourceSchema
	InputProcessingConfigurationUpdate *InputProcessingConfiguration
	KinesisStreamsInputUpdate          *KinesisStreamsInput
}

// OutputUpdate changes an output by id; a destination update replaces
// the output's destination.
type OutputUpdate struct {
	OutputId                    string
	NameUpdate                  *string
	DestinationSchemaUpdate     *DestinationSchema
	KinesisStreamsOutputUpdate  *KinesisStreamsOutput
	KinesisFirehoseOutputUpdate *KinesisFirehoseOutput
	LambdaOutputUpdate          *LambdaOutput
}

// ReferenceDataSourceUpdate changes a reference source by id; the table is
// reloaded when a running application is updated.
type ReferenceDataSourceUpdate struct {
	ReferenceId           string
	TableNameUpdate       *string
	S3ReferenceDataSource *S3ReferenceDataSource
	ReferenceSchemaUpdate *SourceSchema
}
