package firehose

// DeliveryStreamType is where a delivery stream's records come from.
type DeliveryStreamType string

// Delivery stream types.
const (
	DirectPut             DeliveryStreamType = "DirectPut"
	KinesisStreamAsSource DeliveryStreamType = "KinesisStreamAsSource"
	MSKAsSource           DeliveryStreamType = "MSKAsSource"
	DatabaseAsSource      DeliveryStreamType = "DatabaseAsSource"
)

// CompressionFormat is how an object's body is compressed after buffering.
type CompressionFormat string

// Compression formats.
const (
	Uncompressed CompressionFormat = "UNCOMPRESSED"
	GZIP         CompressionFormat = "GZIP"
	ZIP          CompressionFormat = "ZIP"
	Snappy       CompressionFormat = "Snappy"
	HadoopSnappy CompressionFormat = "HADOOP_SNAPPY"
)

// BufferingHints are the size and interval a buffer is flushed at,
// whichever comes first. Both are pointers because AWS requires both or
// neither and 0 seconds is a valid interval (zero buffering).
type BufferingHints struct {
	// SizeInMBs is the buffer size in MiB, measured before compression.
	SizeInMBs *int
	// IntervalInSeconds is how long a buffer stays open.
	IntervalInSeconds *int
}

// RetryOptions bound how long a failed delivery is retried.
type RetryOptions struct {
	// DurationInSeconds: 0..7200.
	DurationInSeconds *int
}

// CloudWatchLoggingOptions are accepted and stored; sluice logs nothing to
// CloudWatch.
type CloudWatchLoggingOptions struct {
	Enabled       bool
	LogGroupName  string
	LogStreamName string
}

// EncryptionConfiguration is the S3 server-side encryption of the objects,
// stored and not applied.
type EncryptionConfiguration struct {
	// NoEncryptionConfig is "NoEncryption" or empty.
	NoEncryptionConfig string
	// KMSEncryptionConfig holds the AWSKMSKeyARN.
	KMSEncryptionConfig *KMSEncryptionConfig
}

// KMSEncryptionConfig names a KMS key.
type KMSEncryptionConfig struct {
	AWSKMSKeyARN string
}

// ProcessingConfiguration is the chain of processors records go through
// before they are buffered for the destination.
type ProcessingConfiguration struct {
	Enabled    bool
	Processors []Processor
}

// ProcessorType is the kind of a [Processor].
type ProcessorType string

// Processor types.
const (
	ProcessorRecordDeAggregation     ProcessorType = "RecordDeAggregation"
	ProcessorDecompression           ProcessorType = "Decompression"
	ProcessorCloudWatchLogProcessing ProcessorType = "CloudWatchLogProcessing"
	ProcessorLambda                  ProcessorType = "Lambda"
	ProcessorMetadataExtraction      ProcessorType = "MetadataExtraction"
	ProcessorAppendDelimiterToRecord ProcessorType = "AppendDelimiterToRecord"
)

// Processor is one step of a [ProcessingConfiguration].
type Processor struct {
	Type       ProcessorType
	Parameters []ProcessorParameter
}

// ProcessorParameterName names a [ProcessorParameter].
type ProcessorParameterName string

// Processor parameter names.
const (
	ParamLambdaArn               ProcessorParameterName = "LambdaArn"
	ParamNumberOfRetries         ProcessorParameterName = "NumberOfRetries"
	ParamMetadataExtractionQuery ProcessorParameterName = "MetadataExtractionQuery"
	ParamJsonParsingEngine       ProcessorParameterName = "JsonParsingEngine"
	ParamRoleArn                 ProcessorParameterName = "RoleArn"
	ParamBufferSizeInMBs         ProcessorParameterName = "BufferSizeInMBs"
	ParamBufferIntervalInSeconds ProcessorParameterName = "BufferIntervalInSeconds"
	ParamSubRecordType           ProcessorParameterName = "SubRecordType"
	ParamDelimiter               ProcessorParameterName = "Delimiter"
	ParamCompressionFormat       ProcessorParameterName = "CompressionFormat"
	ParamDataMessageExtraction   ProcessorParameterName = "DataMessageExtraction"
)

// ProcessorParameter is a name and its string value, as AWS passes them.
type ProcessorParameter struct {
	ParameterName  ProcessorParameterName
	ParameterValue string
}

// DynamicPartitioningConfiguration turns on one buffer per partition
// (ExtendedS3 only; at creation only; never off again).
type DynamicPartitioningConfiguration struct {
	Enabled      bool
	RetryOptions *RetryOptions
}

// DataFormatConversionConfiguration converts JSON records to Parquet (ORC
// is rejected by sluice).
type DataFormatConversionConfiguration struct {
	Enabled                   bool
	SchemaConfiguration       *SchemaConfiguration
	InputFormatConfiguration  *InputFormatConfiguration
	OutputFormatConfiguration *OutputFormatConfiguration
}

// SchemaConfiguration names the Glue table whose columns the Parquet file
// has. sluice has no Glue: Columns lists them instead (an extension).
type SchemaConfiguration struct {
	CatalogId    string
	DatabaseName string
	TableName    string
	Region       string
	RoleARN      string
	VersionId    string
	// Columns are the table's columns (sluice's stand-in for Glue).
	Columns []Column
}

// Column is one column of a converted record: Type is a Hive type
// ("string", "int", "bigint", "double", "boolean", "timestamp").
type Column struct {
	Name string
	Type string
}

// InputFormatConfiguration picks the JSON deserializer.
type InputFormatConfiguration struct {
	// Deserializer is "OpenXJsonSerDe" or "HiveJsonSerDe".
	Deserializer string
}

// OutputFormatConfiguration picks the serializer.
type OutputFormatConfiguration struct {
	// Serializer is "ParquetSerDe" or "OrcSerDe" (rejected).
	Serializer string
	// ParquetCompression: UNCOMPRESSED, GZIP or SNAPPY (default SNAPPY).
	ParquetCompression string
}

// S3BackupMode is which records a destination also writes to its S3
// backup.
type S3BackupMode string

// S3 backup modes, by destination.
const (
	S3BackupDisabled            S3BackupMode = "Disabled"
	S3BackupEnabled             S3BackupMode = "Enabled"
	S3BackupFailedDocumentsOnly S3BackupMode = "FailedDocumentsOnly"
	S3BackupAllDocuments        S3BackupMode = "AllDocuments"
	S3BackupFailedEventsOnly    S3BackupMode = "FailedEventsOnly"
	S3BackupAllEvents           S3BackupMode = "AllEvents"
	S3BackupFailedDataOnly      S3BackupMode = "FailedDataOnly"
	S3BackupAllData             S3BackupMode = "AllData"
)

// S3DestinationConfiguration is a plain S3 destination, also the S3
// configuration (backup or intermediate) of the other destinations.
type S3DestinationConfiguration struct {
	RoleARN                  string
	BucketARN                string
	Prefix                   string
	ErrorOutputPrefix        string
	BufferingHints           *BufferingHints
	CompressionFormat        CompressionFormat
	EncryptionConfiguration  *EncryptionConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
}

// ExtendedS3DestinationConfiguration is the S3 destination with
// processing, dynamic partitioning, format conversion and backup.
type ExtendedS3DestinationConfiguration struct {
	RoleARN                           string
	BucketARN                         string
	Prefix                            string
	ErrorOutputPrefix                 string
	BufferingHints                    *BufferingHints
	CompressionFormat                 CompressionFormat
	EncryptionConfiguration           *EncryptionConfiguration
	CloudWatchLoggingOptions          *CloudWatchLoggingOptions
	ProcessingConfiguration           *ProcessingConfiguration
	S3BackupMode                      S3BackupMode
	S3BackupConfiguration             *S3DestinationConfiguration
	DataFormatConversionConfiguration *DataFormatConversionConfiguration
	DynamicPartitioningConfiguration  *DynamicPartitioningConfiguration
	// FileExtension replaces the extension of delivered objects:
	// empty or "." followed by [0-9a-z!-_.*'()], at most 128 characters.
	FileExtension string
	// CustomTimeZone is the IANA zone of the prefix and suffix times
	// (default UTC).
	CustomTimeZone string
}

// HttpEndpointConfiguration is the endpoint records are POSTed to.
type HttpEndpointConfiguration struct {
	// Url must be https (sluice also accepts http, for httptest servers).
	Url  string
	Name string
	// AccessKey is sent as X-Amz-Firehose-Access-Key; Describe never
	// returns it.
	AccessKey string
}

// HttpEndpointCommonAttribute is one entry of X-Amz-Firehose-Common-Attributes.
type HttpEndpointCommonAttribute struct {
	AttributeName  string
	AttributeValue string
}

// HttpEndpointRequestConfiguration sets the request's content encoding and
// common attributes.
type HttpEndpointRequestConfiguration struct {
	// ContentEncoding is "NONE" (default) or "GZIP".
	ContentEncoding  string
	CommonAttributes []HttpEndpointCommonAttribute
}

// HttpEndpointDestinationConfiguration delivers to an HTTP endpoint with
// the Firehose HTTP endpoint protocol v1.0.
type HttpEndpointDestinationConfiguration struct {
	EndpointConfiguration    *HttpEndpointConfiguration
	BufferingHints           *BufferingHints
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
	RequestConfiguration     *HttpEndpointRequestConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	RoleARN                  string
	RetryOptions             *RetryOptions
	// S3BackupMode: FailedDataOnly (default) or AllData.
	S3BackupMode    S3BackupMode
	S3Configuration *S3DestinationConfiguration
}

// IndexRotationPeriod appends a time to an OpenSearch index name.
type IndexRotationPeriod string

// Index rotation periods.
const (
	NoRotation IndexRotationPeriod = "NoRotation"
	OneHour    IndexRotationPeriod = "OneHour"
	OneDay     IndexRotationPeriod = "OneDay"
	OneWeek    IndexRotationPeriod = "OneWeek"
	OneMonth   IndexRotationPeriod = "OneMonth"
)

// OpenSearchDestinationConfiguration is the configuration of the
// AmazonopensearchserviceDestinationConfiguration,
// ElasticsearchDestinationConfiguration and
// AmazonOpenSearchServerlessDestinationConfiguration fields: records are
// sent to the _bulk API of ClusterEndpoint (or CollectionEndpoint).
type OpenSearchDestinationConfiguration struct {
	RoleARN string
	// DomainARN is accepted; sluice sends requests to ClusterEndpoint,
	// which is therefore required.
	DomainARN                string
	ClusterEndpoint          string
	CollectionEndpoint       string
	IndexName                string
	TypeName                 string
	IndexRotationPeriod      IndexRotationPeriod
	BufferingHints           *BufferingHints
	RetryOptions             *RetryOptions
	S3BackupMode             S3BackupMode
	S3Configuration          *S3DestinationConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
	// DocumentIdOptions: "FIREHOSE_DEFAULT" or "NO_DOCUMENT_ID".
	DefaultDocumentIdFormat string
}

// SplunkDestinationConfiguration sends records to a Splunk HTTP Event
// Collector.
type SplunkDestinationConfiguration struct {
	HECEndpoint string
	// HECEndpointType: "Raw" or "Event".
	HECEndpointType                   string
	HECToken                          string
	HECAcknowledgmentTimeoutInSeconds *int
	RetryOptions                      *RetryOptions
	// S3BackupMode: FailedEventsOnly (default) or AllEvents.
	S3BackupMode             S3BackupMode
	S3Configuration          *S3DestinationConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
	BufferingHints           *BufferingHints
}

// RedshiftDestinationConfiguration is accepted and validated; sluice
// delivers its S3 intermediate objects and runs no COPY.
type RedshiftDestinationConfiguration struct {
	RoleARN        string
	ClusterJDBCURL string
	CopyCommand    *CopyCommand
	Username       string
	// Password is never returned by Describe.
	Password                 string
	RetryOptions             *RetryOptions
	S3Configuration          *S3DestinationConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	S3BackupMode             S3BackupMode
	S3BackupConfiguration    *S3DestinationConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
}

// CopyCommand is the Redshift COPY a Redshift destination would run.
type CopyCommand struct {
	DataTableName    string
	DataTableColumns string
	CopyOptions      string
}

// SnowflakeDestinationConfiguration is accepted and validated; sluice
// writes no table and delivers its records to the S3 configuration.
type SnowflakeDestinationConfiguration struct {
	AccountUrl string
	User       string
	// PrivateKey is never returned by Describe.
	PrivateKey        string
	Database          string
	Schema            string
	Table             string
	DataLoadingOption string
	BufferingHints    *BufferingHints
	RetryOptions      *RetryOptions
	RoleARN           string
	// S3BackupMode: FailedDataOnly (default) or AllData.
	S3BackupMode             S3BackupMode
	S3Configuration          *S3DestinationConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
}

// IcebergDestinationConfiguration is accepted and validated; sluice writes
// no table and delivers its records to the S3 configuration.
type IcebergDestinationConfiguration struct {
	CatalogARN               string
	DestinationTables        []IcebergTable
	AppendOnly               bool
	BufferingHints           *BufferingHints
	RetryOptions             *RetryOptions
	RoleARN                  string
	S3BackupMode             S3BackupMode
	S3Configuration          *S3DestinationConfiguration
	ProcessingConfiguration  *ProcessingConfiguration
	CloudWatchLoggingOptions *CloudWatchLoggingOptions
}

// IcebergTable is one entry of DestinationTableConfigurationList.
type IcebergTable struct {
	DestinationDatabaseName string
	DestinationTableName    string
	UniqueKeys              []string
}

// KinesisStreamSourceConfiguration names the Kinesis data stream a
// KinesisStreamAsSource delivery stream reads.
type KinesisStreamSourceConfiguration struct {
	KinesisStreamARN string
	RoleARN          string
}

// DirectPutSourceConfiguration holds the informational throughput hint.
type DirectPutSourceConfiguration struct {
	// ThroughputHintInMBs: 1..100.
	ThroughputHintInMBs int
}

// KeyType is who owns a delivery stream's encryption key.
type KeyType string

// Key types.
const (
	AWSOwnedCMK        KeyType = "AWS_OWNED_CMK"
	CustomerManagedCMK KeyType = "CUSTOMER_MANAGED_CMK"
)

// DeliveryStreamEncryptionConfigurationInput is the server-side encryption
// asked of a delivery stream.
type DeliveryStreamEncryptionConfigurationInput struct {
	KeyType KeyType
	// KeyARN is required with CUSTOMER_MANAGED_CMK and forbidden otherwise.
	KeyARN string
}

// Tag is a key and value on a delivery stream.
type Tag struct {
	Key   string
	Value string
}
