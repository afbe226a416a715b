package firehose

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// destKind is the type of a delivery stream's destination.
type destKind int

const (
	kindS3 destKind = iota
	kindExtendedS3
	kindRedshift
	kindElasticsearch
	kindOpenSearch
	kindOpenSearchServerless
	kindSplunk
	kindHTTP
	kindSnowflake
	kindIceberg
)

// fieldName is the input field of each destination kind, as AWS names it
// in its error messages.
var fieldName = [...]string{
	kindS3:                   "s3DestinationConfiguration",
	kindExtendedS3:           "extendedS3DestinationConfiguration",
	kindRedshift:             "redshiftDestinationConfiguration",
	kindElasticsearch:        "elasticsearchDestinationConfiguration",
	kindOpenSearch:           "amazonopensearchserviceDestinationConfiguration",
	kindOpenSearchServerless: "amazonOpenSearchServerlessDestinationConfiguration",
	kindSplunk:               "splunkDestinationConfiguration",
	kindHTTP:                 "httpEndpointDestinationConfiguration",
	kindSnowflake:            "snowflakeDestinationConfiguration",
	kindIceberg:              "icebergDestinationConfiguration",
}

// hintRange is a destination's buffering-hint ranges and defaults (MiB,
// seconds).
type hintRange struct{ minSize, maxSize, defSize, maxInterval, defInterval int }

var hintRanges = [...]hintRange{
	kindS3:                   {1, 128, 5, 900, 300},
	kindExtendedS3:           {1, 128, 5, 900, 300},
	kindRedshift:             {1, 128, 5, 900, 300},
	kindElasticsearch:        {1, 100, 5, 900, 300},
	kindOpenSearch:           {1, 100, 5, 900, 300},
	kindOpenSearchServerless: {1, 100, 5, 900, 300},
	kindSplunk:               {1, 5, 5, 60, 60},
	kindHTTP:                 {1, 64, 5, 900, 300},
	kindSnowflake:            {1, 128, 128, 900, 0},
	kindIceberg:              {1, 128, 5, 900, 300},
}

// destination is the compiled, immutable configuration of a delivery
// stream's destination. UpdateDestination replaces it whole.
type destination struct {
	kind destKind
	// Exactly one of these is set, by kind (kindS3 uses ext, converted).
	ext       *ExtendedS3DestinationConfiguration
	redshift  *RedshiftDestinationConfiguration
	os        *OpenSearchDestinationConfiguration
	splunk    *SplunkDestinationConfiguration
	http      *HttpEndpointDestinationConfiguration
	snowflake *SnowflakeDestinationConfiguration
	iceberg   *IcebergDestinationConfiguration
	plainS3   *S3DestinationConfiguration // the S3DestinationConfiguration as given

	size     int // buffer size in bytes
	interval time.Duration
	retry    time.Duration // RetryOptions.DurationInSeconds

	// s3 is where objects go: the destination itself for S3 kinds, the
	// S3 configuration (backup, intermediate) for the others.
	s3        *S3DestinationConfiguration
	s3Size    int
	s3Intv    time.Duration
	prefix    *prefixExpr
	errPrefix *prefixExpr // nil: derived from prefix
	loc       *time.Location
	ext3      string // object extension
	backup    *S3DestinationConfiguration
	backupPfx *prefixExpr
	// backupSource: source records are backed up before processing.
	backupSource bool
	// backupAll: every record sent to an HTTP-like destination is also
	// written to S3.
	backupAll bool

	proc        *pipeline
	partitioned bool
	convert     *converter
}

// describe returns the description of the destination.
func (c *destination) describe() DestinationDescription {
	dd := DestinationDescription{DestinationId: DestinationID}
	switch c.kind {
	case kindS3:
		dd.S3DestinationDescription = clone(c.plainS3)
	case kindExtendedS3:
		dd.ExtendedS3DestinationDescription = clone(c.ext)
	case kindRedshift:
		dd.RedshiftDestinationDescription = clone(c.redshift)
		dd.RedshiftDestinationDescription.Password = "" // AWS never describes it
	case kindElasticsearch:
		dd.ElasticsearchDestinationDescription = clone(c.os)
	case kindOpenSearch:
		dd.AmazonopensearchserviceDestinationDescription = clone(c.os)
	case kindOpenSearchServerless:
		dd.AmazonOpenSearchServerlessDestinationDescription = clone(c.os)
	case kindSplunk:
		dd.SplunkDestinationDescription = clone(c.splunk)
	case kindHTTP:
		dd.HttpEndpointDestinationDescription = clone(c.http)
		dd.HttpEndpointDestinationDescription.EndpointConfiguration.AccessKey = "" // AWS never describes it
	case kindSnowflake:
		dd.SnowflakeDestinationDescription = clone(c.snowflake)
		dd.SnowflakeDestinationDescription.PrivateKey = "" // AWS never describes it
	case kindIceberg:
		dd.IcebergDestinationDescription = clone(c.iceberg)
	}
	return dd
}

// clone deep-copies a configuration.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return p
	}
	var c T
	if json.Unmarshal(b, &c) != nil {
		return p
	}
	return &c
}

// destinations lists the destination fields of a create input that are
// set, as (kind, pointer) pairs.
type destSet struct {
	kind destKind
	cfg  any
}

func createDestinations(in CreateDeliveryStreamInput) []destSet {
	var out []destSet
	add := func(k destKind, set bool, cfg any) {
		if set {
			out = append(out, destSet{k, cfg})
		}
	}
	add(kindS3, in.S3DestinationConfiguration != nil, in.S3DestinationConfiguration)
	add(kindExtendedS3, in.ExtendedS3DestinationConfiguration != nil, in.ExtendedS3DestinationConfiguration)
	add(kindRedshift, in.RedshiftDestinationConfiguration != nil, in.RedshiftDestinationConfiguration)
	add(kindElasticsearch, in.ElasticsearchDestinationConfiguration != nil, in.ElasticsearchDestinationConfiguration)
	add(kindOpenSearch, in.AmazonopensearchserviceDestinationConfiguration != nil, in.AmazonopensearchserviceDestinationConfiguration)
	add(kindOpenSearchServerless, in.AmazonOpenSearchServerlessDestinationConfiguration != nil, in.AmazonOpenSearchServerlessDestinationConfiguration)
	add(kindSplunk, in.SplunkDestinationConfiguration != nil, in.SplunkDestinationConfiguration)
	add(kindHTTP, in.HttpEndpointDestinationConfiguration != nil, in.HttpEndpointDestinationConfiguration)
	add(kindSnowflake, in.SnowflakeDestinationConfiguration != nil, in.SnowflakeDestinationConfiguration)
	add(kindIceberg, in.IcebergDestinationConfiguration != nil, in.IcebergDestinationConfiguration)
	return out
}

func compileCreate(in CreateDeliveryStreamInput) (*destination, error) {
	ds := createDestinations(in)
	if len(ds) != 1 {
		return nil, errArg("Exactly one destination configuration is required for a delivery stream.")
	}
	return compile(ds[0].kind, ds[0].cfg)
}

// compile validates a destination configuration and fills in its
// defaults. cfg is a pointer to the configuration type of kind; it is
// copied, never kept.
func compile(kind destKind, cfg any) (*destination, error) {
	d := &destination{kind: kind, loc: time.UTC}
	path := fieldName[kind]
	var err error
	switch kind {
	case kindS3:
		c := clone(cfg.(*S3DestinationConfiguration))
		d.plainS3 = c
		if err = d.compileS3(path, c); err != nil {
			return nil, err
		}
		d.ext = &ExtendedS3DestinationConfiguration{RoleARN: c.RoleARN, BucketARN: c.BucketARN, Prefix: c.Prefix,
			ErrorOutputPrefix: c.ErrorOutputPrefix, BufferingHints: c.BufferingHints, CompressionFormat: c.CompressionFormat,
			EncryptionConfiguration: c.EncryptionConfiguration, CloudWatchLoggingOptions: c.CloudWatchLoggingOptions}
	case kindExtendedS3:
		c := clone(cfg.(*ExtendedS3DestinationConfiguration))
		d.ext = c
		err = d.compileExtendedS3(path, c)
	case kindRedshift:
		c := clone(cfg.(*RedshiftDestinationConfiguration))
		d.redshift = c
		err = d.compileRedshift(path, c)
	case kindElasticsearch, kindOpenSearch, kindOpenSearchServerless:
		c := clone(cfg.(*OpenSearchDestinationConfiguration))
		d.os = c
		err = d.compileOpenSearch(path, c)
	case kindSplunk:
		c := clone(cfg.(*SplunkDestinationConfiguration))
		d.splunk = c
		err = d.compileSplunk(path, c)
	case kindHTTP:
		c := clone(cfg.(*HttpEndpointDestinationConfiguration))
		d.http = c
		err = d.compileHTTP(path, c)
	case kindSnowflake:
		c := clone(cfg.(*SnowflakeDestinationConfiguration))
		d.snowflake = c
		err = d.compileSnowflake(path, c)
	case kindIceberg:
		c := clone(cfg.(*IcebergDestinationConfiguration))
		d.iceberg = c
		err = d.compileIceberg(path, c)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// hints validates and defaults buffering hints against kind's ranges,
// filling the pointer in place.
func hints(path string, h **BufferingHints, r hintRange) (int, time.Duration, error) {
	if *h == nil {
		*h = &BufferingHints{}
	}
	b := *h
	if (b.SizeInMBs == nil) != (b.IntervalInSeconds == nil) {
		return 0, 0, errArg("BufferingHints.SizeInMBs and BufferingHints.IntervalInSeconds must both be specified or both be omitted.")
	}
	if b.SizeInMBs == nil {
		b.SizeInMBs, b.IntervalInSeconds = new(r.defSize), new(r.defInterval)
	}
	if v := *b.SizeInMBs; v < r.minSize || v > r.maxSize {
		return 0, 0, errValidation(path+".bufferingHints.sizeInMBs", itoaQ(v), rangeConstraint(v, r.minSize, r.maxSize))
	}
	if v := *b.IntervalInSeconds; v < 0 || v > r.maxInterval {
		return 0, 0, errValidation(path+".bufferingHints.intervalInSeconds", itoaQ(v), rangeConstraint(v, 0, r.maxInterval))
	}
	return *b.SizeInMBs << 20, time.Duration(*b.IntervalInSeconds) * time.Second, nil
}

func rangeConstraint(v, lo, hi int) string {
	if v < lo {
		return "Member must have value greater than or equal to " + itoa(lo)
	}
	return "Member must have value less than or equal to " + itoa(hi)
}

// retryDuration validates and defaults RetryOptions.
func retryDuration(path string, r **RetryOptions, def int) (time.Duration, error) {
	if *r == nil {
		*r = &RetryOptions{}
	}
	if (*r).DurationInSeconds == nil {
		(*r).DurationInSeconds = new(def)
	}
	v := *(*r).DurationInSeconds
	if v < 0 || v > 7200 {
		return 0, errValidation(path+".retryOptions.durationInSeconds", itoaQ(v), rangeConstraint(v, 0, 7200))
	}
	return time.Duration(v) * time.Second, nil
}

var bucketARNRE = regexp.MustCompile(`^arn:[\w-]+:s3:::[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$`)
var fileExtRE = regexp.MustCompile(`^$|^\.[0-9a-z!\-_.*'()]+$`)

func checkRole(path, role string) error {
	if role == "" {
		return errValidation(path+".roleARN", "null", "Member must not be null")
	}
	return nil
}

func checkCompression(path string, f *CompressionFormat) error {
	switch *f {
	case "":
		*f = Uncompressed
	case Uncompressed, GZIP, ZIP, Snappy, HadoopSnappy:
	default:
		return errValidation(path+".compressionFormat", "'"+string(*f)+"'",
			"Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]")
	}
	return nil
}

// compileS3 validates a plain S3 configuration used as the destination.
func (d *destination) compileS3(path string, c *S3DestinationConfiguration) error {
	ext := &ExtendedS3DestinationConfiguration{RoleARN: c.RoleARN, BucketARN: c.BucketARN, Prefix: c.Prefix,
		ErrorOutputPrefix: c.ErrorOutputPrefix, BufferingHints: c.BufferingHints, CompressionFormat: c.CompressionFormat}
	if err := d.compileExtendedS3(path, ext); err != nil {
		return err
	}
	c.BufferingHints, c.CompressionFormat = ext.BufferingHints, ext.CompressionFormat
	c.EncryptionConfiguration, c.CloudWatchLoggingOptions = ext.EncryptionConfiguration, ext.CloudWatchLoggingOptions
	return nil
}

// compileS3Conf validates the S3 configuration of a non-S3 destination
// (where failed or backed-up records go, or the intermediate objects).
func (d *destination) compileS3Conf(path string, c *S3DestinationConfiguration) error {
	if c == nil {
		return errValidation(path, "null", "Member must not be null")
	}
	if err := checkRole(path, c.RoleARN); err != nil {
		return err
	}
	if !bucketARNRE.MatchString(c.BucketARN) {
		return errValidation(path+".bucketARN", "'"+c.BucketARN+"'", "Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}")
	}
	if err := checkCompression(path, &c.CompressionFormat); err != nil {
		return err
	}
	size, intv, err := hints(path, &c.BufferingHints, hintRanges[kindS3])
	if err != nil {
		return err
	}
	d.s3, d.s3Size, d.s3Intv = c, size, intv
	p, ep, err := compilePrefixes(c.Prefix, c.ErrorOutputPrefix, false)
	if err != nil {
		return err
	}
	d.prefix, d.errPrefix = p, ep
	d.ext3 = extension(c.CompressionFormat)
	return nil
}

func (d *destination) compileExtendedS3(path string, c *ExtendedS3DestinationConfiguration) error {
	if err := checkRole(path, c.RoleARN); err != nil {
		return err
	}
	if c.BucketARN == "" {
		return errValidation(path+".bucketARN", "null", "Member must not be null")
	}
	if !bucketARNRE.MatchString(c.BucketARN) {
		return errValidation(path+".bucketARN", "'"+c.BucketARN+"'", "Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}")
	}
	if err := checkCompression(path, &c.CompressionFormat); err != nil {
		return err
	}
	// AWS describes these defaults.
	if c.EncryptionConfiguration == nil {
		c.EncryptionConfiguration = &EncryptionConfiguration{NoEncryptionConfig: "NoEncryption"}
	}
	if c.CloudWatchLoggingOptions == nil {
		c.CloudWatchLoggingOptions = &CloudWatchLoggingOptions{}
	}
	if len(c.Prefix) > 1024 || len(c.ErrorOutputPrefix) > 1024 {
		return errArg("Prefix and ErrorOutputPrefix must be at most 1024 characters.")
	}
	d.partitioned = c.DynamicPartitioningConfiguration != nil && c.DynamicPartitioningConfiguration.Enabled
	converting := c.DataFormatConversionConfiguration != nil && c.DataFormatConversionConfiguration.Enabled
	r := hintRanges[kindExtendedS3]
	if d.partitioned || converting {
		r.minSize, r.defSize = 64, 128
	}
	size, intv, err := hints(path, &c.BufferingHints, r)
	if err != nil {
		return err
	}
	d.size, d.interval = size, intv
	if !fileExtRE.MatchString(c.FileExtension) || len(c.FileExtension) > 128 {
		return errValidation(path+".fileExtension", "'"+c.FileExtension+"'",
			"Member must satisfy regular expression pattern: ^$|\\.[0-9a-z!\\-_.*'()]+")
	}
	if c.CustomTimeZone != "" {
		loc, err := time.LoadLocation(c.CustomTimeZone)
		if err != nil || len(c.CustomTimeZone) > 50 {
			return errArg("CustomTimeZone %s is not a supported time zone.", c.CustomTimeZone)
		}
		d.loc = loc
	}
	d.proc, err = compilePipeline(c.ProcessingConfiguration, kindExtendedS3)
	if err != nil {
		return err
	}
	if d.partitioned {
		if intv == 0 {
			return errArg("Zero buffering is not supported when dynamic partitioning is enabled.")
		}
		if c.ErrorOutputPrefix == "" {
			return errArg("ErrorOutputPrefix is required when dynamic partitioning is enabled.")
		}
		if _, err := retryDuration(path+".dynamicPartitioningConfiguration", &c.DynamicPartitioningConfiguration.RetryOptions, 300); err != nil {
			return err
		}
	}
	p, ep, err := compilePrefixes(c.Prefix, c.ErrorOutputPrefix, d.partitioned)
	if err != nil {
		return err
	}
	if p.usesQuery && (!d.partitioned || !d.proc.hasMetadataExtraction()) {
		return errArg("partitionKeyFromQuery namespace can be used only when dynamic partitioning is enabled and a MetadataExtraction processor is configured.")
	}
	if p.usesLambda && (!d.partitioned || !d.proc.hasLambda()) {
		return errArg("partitionKeyFromLambda namespace can be used only when dynamic partitioning is enabled and a Lambda processor is configured.")
	}
	if d.partitioned && !p.usesQuery && !p.usesLambda {
		return errArg("When dynamic partitioning is enabled, the Prefix must contain at least one partitionKeyFromQuery or partitionKeyFromLambda expression.")
	}
	d.prefix, d.errPrefix = p, ep
	d.ext3 = extension(c.CompressionFormat)
	if converting {
		if c.CompressionFormat != Uncompressed {
			return errArg("CompressionFormat must be UNCOMPRESSED when data format conversion is enabled.")
		}
		d.convert, err = compileConversion(c.DataFormatConversionConfiguration)
		if err != nil {
			return err
		}
		d.ext3 = d.convert.extension()
	}
	if c.FileExtension != "" {
		d.ext3 = c.FileExtension
	}
	switch c.S3BackupMode {
	case "":
		c.S3BackupMode = S3BackupDisabled
	case S3BackupDisabled:
	case S3BackupEnabled:
		if c.S3BackupConfiguration == nil {
			return errArg("S3BackupConfiguration is required when S3BackupMode is Enabled.")
		}
	default:
		return errValidation(path+".s3BackupMode", "'"+string(c.S3BackupMode)+"'", "Member must satisfy enum value set: [Disabled, Enabled]")
	}
	d.s3 = &S3DestinationConfiguration{RoleARN: c.RoleARN, BucketARN: c.BucketARN, Prefix: c.Prefix,
		ErrorOutputPrefix: c.ErrorOutputPrefix, BufferingHints: c.BufferingHints, CompressionFormat: c.CompressionFormat}
	d.s3Size, d.s3Intv = size, intv
	if b := c.S3BackupConfiguration; b != nil {
		if err := d.compileBackup(path+".s3BackupConfiguration", b); err != nil {
			return err
		}
		d.backupSource = c.S3BackupMode == S3BackupEnabled
	}
	return nil
}

// compileBackup validates the S3 backup configuration of an ExtendedS3 or
// Redshift destination. Its ErrorOutputPrefix is ignored, as AWS does.
func (d *destination) compileBackup(path string, b *S3DestinationConfiguration) error {
	if err := checkRole(path, b.RoleARN); err != nil {
		return err
	}
	if !bucketARNRE.MatchString(b.BucketARN) {
		return errValidation(path+".bucketARN", "'"+b.BucketARN+"'", "Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}")
	}
	if err := checkCompression(path, &b.CompressionFormat); err != nil {
		return err
	}
	if _, _, err := hints(path, &b.BufferingHints, hintRanges[kindS3]); err != nil {
		return err
	}
	if *b.BufferingHints.IntervalInSeconds == 0 {
		return errArg("Zero buffering is not supported for the S3 backup destination.")
	}
	p, err := parsePrefix(b.Prefix)
	if err != nil {
		return err
	}
	if p.usesErrorType || p.usesQuery || p.usesLambda {
		return errArg("The S3 backup Prefix cannot contain !{firehose:error-output-type} or partition key expressions.")
	}
	p.appendDefaultTimestamp()
	d.backup, d.backupPfx = b, p
	return nil
}

func (d *destination) compileRedshift(path string, c *RedshiftDestinationConfiguration) error {
	if err := checkRole(path, c.RoleARN); err != nil {
		return err
	}
	if c.ClusterJDBCURL == "" {
		return errValidation(path+".clusterJDBCURL", "null", "Member must not be null")
	}
	if c.CopyCommand == nil || c.CopyCommand.DataTableName == "" {
		return errValidation(path+".copyCommand", "null", "Member must not be null")
	}
	s3 := c.S3Configuration
	if s3 != nil {
		switch s3.CompressionFormat {
		case Snappy, ZIP, HadoopSnappy:
			return errArg("Compression format %s is not supported for Redshift destination.", s3.CompressionFormat)
		}
		if strings.Contains(s3.Prefix, "!{") {
			return errArg("Prefix of the S3 configuration of a Redshift destination cannot contain expressions.")
		}
		if s3.ErrorOutputPrefix != "" {
			return errArg("ErrorOutputPrefix must be null for a Redshift destination.")
		}
	}
	if err := d.compileS3Conf(path+".s3Configuration", s3); err != nil {
		return err
	}
	d.size, d.interval = d.s3Size, d.s3Intv
	var err error
	if d.retry, err = retryDuration(path, &c.RetryOptions, 3600); err != nil {
		return err
	}
	if d.proc, err = compilePipeline(c.ProcessingConfiguration, kindRedshift); err != nil {
		return err
	}
	switch c.S3BackupMode {
	case "":
		c.S3BackupMode = S3BackupDisabled
	case S3BackupDisabled:
	case S3BackupEnabled:
		if c.S3BackupConfiguration == nil {
			return errArg("S3BackupConfiguration is required when S3BackupMode is Enabled.")
		}
	default:
		return errValidation(path+".s3BackupMode", "'"+string(c.S3BackupMode)+"'", "Member must satisfy enum value set: [Disabled, Enabled]")
	}
	if b := c.S3BackupConfiguration; b != nil {
		if err := d.compileBackup(path+".s3BackupConfiguration", b); err != nil {
			return err
		}
		d.backupSource = c.S3BackupMode == S3BackupEnabled
	}
	return nil
}

func (d *destination) compileOpenSearch(path string, c *OpenSearchDestinationConfiguration) error {
	if err := checkRole(path, c.RoleARN); err != nil {
		return err
	}
	if c.IndexName == "" {
		return errValidation(path+".indexName", "null", "Member must not be null")
	}
	if d.kind == kindOpenSearchServerless {
		if c.CollectionEndpoint == "" {
			return errValidation(path+".collectionEndpoint", "null", "Member must not be null")
		}
	} else {
		if c.DomainARN == "" && c.ClusterEndpoint == "" {
			return errArg("Exactly one of DomainARN and ClusterEndpoint must be specified.")
		}
		if c.DomainARN != "" && c.ClusterEndpoint != "" {
			return errArg("Exactly one of DomainARN and ClusterEndpoint must be specified.")
		}
		if c.ClusterEndpoint == "" {
			return errArg("sluice delivers to ClusterEndpoint only: DomainARN %s cannot be resolved.", c.DomainARN)
		}
	}
	switch c.IndexRotationPeriod {
	case "":
		c.IndexRotationPeriod = OneDay
	case NoRotation, OneHour, OneDay, OneWeek, OneMonth:
	default:
		return errValidation(path+".indexRotationPeriod", "'"+string(c.IndexRotationPeriod)+"'",
			"Member must satisfy enum value set: [NoRotation, OneHour, OneDay, OneWeek, OneMonth]")
	}
	if d.kind == kindOpenSearchServerless {
		c.IndexRotationPeriod = NoRotation
	}
	switch c.S3BackupMode {
	case "":
		c.S3BackupMode = S3BackupFailedDocumentsOnly
	case S3BackupFailedDocumentsOnly:
	case S3BackupAllDocuments:
		d.backupAll = true
	default:
		return errValidation(path+".s3BackupMode", "'"+string(c.S3BackupMode)+"'", "Member must satisfy enum value set: [FailedDocumentsOnly, AllDocuments]")
	}
	return d.compileHTTPLike(path, &c.BufferingHints, &c.RetryOptions, 300, c.ProcessingConfiguration, c.S3Configuration)
}

// compileHTTPLike validates what OpenSearch, Splunk, HTTP endpoint,
// Snowflake and Iceberg destinations share.
func (d *destination) compileHTTPLike(path string, h **BufferingHints, r **RetryOptions, defRetry int,
	proc *ProcessingConfiguration, s3 *S3DestinationConfiguration) error {
	var err error
	if d.size, d.interval, err = hints(path, h, hintRanges[d.kind]); err != nil {
		return err
	}
	if d.retry, err = retryDuration(path, r, defRetry); err != nil {
		return err
	}
	if d.proc, err = compilePipeline(proc, d.kind); err != nil {
		return err
	}
	return d.compileS3Conf(path+".s3Configuration", s3)
}

func (d *destination) compileSplunk(path string, c *SplunkDestinationConfiguration) error {
	if c.HECEndpoint == "" {
		return errValidation(path+".hECEndpoint", "null", "Member must not be null")
	}
	switch c.HECEndpointType {
	case "Raw", "Event":
	default:
		return errValidation(path+".hECEndpointType", "'"+c.HECEndpointType+"'", "Member must satisfy enum value set: [Raw, Event]")
	}
	if c.HECToken == "" {
		return errValidation(path+".hECToken", "null", "Member must not be null")
	}
	if c.HECAcknowledgmentTimeoutInSeconds == nil {
		c.HECAcknowledgmentTimeoutInSeconds = new(180)
	}
	if v := *c.HECAcknowledgmentTimeoutInSeconds; v < 180 || v > 600 {
		return errValidation(path+".hECAcknowledgmentTimeoutInSeconds", itoaQ(v), rangeConstraint(v, 180, 600))
	}
	switch c.S3BackupMode {
	case "":
		c.S3BackupMode = S3BackupFailedEventsOnly
	case S3BackupFailedEventsOnly:
	case S3BackupAllEvents:
		d.backupAll = true
	default:
		return errValidation(path+".s3BackupMode", "'"+string(c.S3BackupMode)+"'", "Member must satisfy enum value set: [FailedEventsOnly, AllEvents]")
	}
	return d.compileHTTPLike(path, &c.BufferingHints, &c.RetryOptions, 3600, c.ProcessingConfiguration, c.S3Configuration)
}

func failedOrAll(path string, m *S3BackupMode) (bool, error) {
	switch *m {
	case "":
		*m = S3BackupFailedDataOnly
	case S3BackupFailedDataOnly:
	case S3BackupAllData:
		return true, nil
	default:
		return false, errValidation(path+".s3BackupMode", "'"+string(*m)+"'", "Member must satisfy enum value set: [FailedDataOnly, AllData]")
	}
	return false, nil
}

func (d *destination) compileHTTP(path string, c *HttpEndpointDestinationConfiguration) error {
	e := c.EndpointConfiguration
	if e == nil || e.Url == "" {
		return errValidation(path+".endpointConfiguration.url", "null", "Member must not be null")
	}
	if !strings.HasPrefix(e.Url, "https://") && !strings.HasPrefix(e.Url, "http://") {
		return errValidation(path+".endpointConfiguration.url", "'"+e.Url+"'", "Member must satisfy regular expression pattern: https://.*")
	}
	if len(e.AccessKey) > 4096 {
		return errValidation(path+".endpointConfiguration.accessKey", "'***'", "Member must have length less than or equal to 4096")
	}
	if rc := c.RequestConfiguration; rc != nil {
		switch rc.ContentEncoding {
		case "":
			rc.ContentEncoding = "NONE"
		case "NONE", "GZIP":
		default:
			return errValidation(path+".requestConfiguration.contentEncoding", "'"+rc.ContentEncoding+"'", "Member must satisfy enum value set: [NONE, GZIP]")
		}
		if len(rc.CommonAttributes) > 50 {
			return errValidation(path+".requestConfiguration.commonAttributes", "'...'", "Member must have length less than or equal to 50")
		}
		for _, a := range rc.CommonAttributes {
			if len(a.AttributeName) < 1 || len(a.AttributeName) > 256 || len(a.AttributeValue) > 1024 {
				return errArg("Common attribute names must be 1 to 256 characters and values at most 1024 characters.")
			}
		}
	} else {
		c.RequestConfiguration = &HttpEndpointRequestConfiguration{ContentEncoding: "NONE"}
	}
	var err error
	if d.backupAll, err = failedOrAll(path, &c.S3BackupMode); err != nil {
		return err
	}
	return d.compileHTTPLike(path, &c.BufferingHints, &c.RetryOptions, 300, c.ProcessingConfiguration, c.S3Configuration)
}

func (d *destination) compileSnowflake(path string, c *SnowflakeDestinationConfiguration) error {
	for _, f := range []struct{ name, v string }{{"accountUrl", c.AccountUrl}, {"database", c.Database},
		{"schema", c.Schema}, {"table", c.Table}, {"roleARN", c.RoleARN}} {
		if f.v == "" {
			return errValidation(path+"."+f.name, "null", "Member must not be null")
		}
	}
	switch c.DataLoadingOption {
	case "":
		c.DataLoadingOption = "JSON_MAPPING"
	case "JSON_MAPPING", "VARIANT_CONTENT_MAPPING", "VARIANT_CONTENT_AND_METADATA_MAPPING":
	default:
		return errValidation(path+".dataLoadingOption", "'"+c.DataLoadingOption+"'",
			"Member must satisfy enum value set: [JSON_MAPPING, VARIANT_CONTENT_MAPPING, VARIANT_CONTENT_AND_METADATA_MAPPING]")
	}
	var err error
	if d.backupAll, err = failedOrAll(path, &c.S3BackupMode); err != nil {
		return err
	}
	return d.compileHTTPLike(path, &c.BufferingHints, &c.RetryOptions, 60, c.ProcessingConfiguration, c.S3Configuration)
}

func (d *destination) compileIceberg(path string, c *IcebergDestinationConfiguration) error {
	if err := checkRole(path, c.RoleARN); err != nil {
		return err
	}
	if c.CatalogARN == "" {
		return errValidation(path+".catalogConfiguration.catalogARN", "null", "Member must not be null")
	}
	for _, t := range c.DestinationTables {
		if t.DestinationDatabaseName == "" || t.DestinationTableName == "" {
			return errArg("DestinationDatabaseName and DestinationTableName are required in each destination table configuration.")
		}
	}
	switch c.S3BackupMode {
	case "":
		c.S3BackupMode = S3BackupFailedDataOnly
	case S3BackupFailedDataOnly:
	default:
		return errArg("S3BackupMode %s is not supported for Iceberg destination; only FailedDataOnly is.", c.S3BackupMode)
	}
	return d.compileHTTPLike(path, &c.BufferingHints, &c.RetryOptions, 300, c.ProcessingConfiguration, c.S3Configuration)
}

// errValidation is AWS's model-constraint ValidationException.
func errValidation(path, value, constraint string) *Error {
	return errorf(ErrValidationException, "1 validation error detected: Value %s at '%s' failed to satisfy constraint: %s",
		value, path, constraint)
}

func itoa(n int) string  { return strconv.Itoa(n) }
func itoaQ(n int) string { return "'" + strconv.Itoa(n) + "'" }
