package firehose_test

import (
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func TestCreateDescribe(t *testing.T) {
	run(t, func(e *env) {
		out, err := e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{
			DeliveryStreamName: "clicks", ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
				RoleARN: roleARN, BucketARN: bucketARN}})
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks"; out.DeliveryStreamARN != want {
			t.Errorf("ARN = %s, want %s", out.DeliveryStreamARN, want)
		}
		d, err := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "clicks"})
		if err != nil {
			t.Fatal(err)
		}
		desc := d.DeliveryStreamDescription
		if desc.DeliveryStreamStatus != firehose.StatusActive || desc.VersionId != "1" || desc.HasMoreDestinations ||
			!desc.CreateTimestamp.Equal(epoch) || desc.DeliveryStreamType != firehose.DirectPut {
			t.Errorf("description = %+v", desc)
		}
		if len(desc.Destinations) != 1 || desc.Destinations[0].DestinationId != "destinationId-000000000001" {
			t.Fatalf("destinations = %+v", desc.Destinations)
		}
		s3 := desc.Destinations[0].ExtendedS3DestinationDescription
		if s3 == nil || *s3.BufferingHints.SizeInMBs != 5 || *s3.BufferingHints.IntervalInSeconds != 300 ||
			s3.CompressionFormat != firehose.Uncompressed || s3.S3BackupMode != firehose.S3BackupDisabled {
			t.Errorf("ExtendedS3 description = %+v", s3)
		}
		if enc := desc.DeliveryStreamEncryptionConfiguration; enc == nil || enc.Status != firehose.EncryptionDisabled {
			t.Errorf("encryption = %+v", enc)
		}
		if desc.Source != nil {
			t.Errorf("source = %+v, want none", desc.Source)
		}
		e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "hinted", ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN},
			DirectPutSourceConfiguration: &firehose.DirectPutSourceConfiguration{ThroughputHintInMBs: 20}})
		d, _ = e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "hinted"})
		if src := d.DeliveryStreamDescription.Source; src == nil || src.DirectPutSourceDescription.ThroughputHintInMBs != 20 {
			t.Errorf("source = %+v", src)
		}
	})
}

func TestCreateRules(t *testing.T) {
	valid := func() firehose.CreateDeliveryStreamInput {
		return firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: s3(5, 300)}
	}
	httpDest := &firehose.HttpEndpointDestinationConfiguration{
		EndpointConfiguration: &firehose.HttpEndpointConfiguration{Url: "https://example.com/in"},
		S3Configuration:       &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}}
	tests := []struct {
		name   string
		mutate func(*firehose.CreateDeliveryStreamInput)
		want   *firehose.Error
	}{
		{"empty name", func(in *firehose.CreateDeliveryStreamInput) { in.DeliveryStreamName = "" }, firehose.ErrValidationException},
		{"bad char", func(in *firehose.CreateDeliveryStreamInput) { in.DeliveryStreamName = "a/b" }, firehose.ErrValidationException},
		{"65 chars", func(in *firehose.CreateDeliveryStreamInput) { in.DeliveryStreamName = string(make65()) }, firehose.ErrValidationException},
		{"no destination", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration = nil }, firehose.ErrInvalidArgumentException},
		{"two destinations", func(in *firehose.CreateDeliveryStreamInput) { in.HttpEndpointDestinationConfiguration = httpDest }, firehose.ErrInvalidArgumentException},
		{"size only", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.BufferingHints.IntervalInSeconds = nil
		}, firehose.ErrInvalidArgumentException},
		{"interval only", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.BufferingHints.SizeInMBs = nil
		}, firehose.ErrInvalidArgumentException},
		{"size 0", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration = s3(0, 300) }, firehose.ErrValidationException},
		{"size 129", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration = s3(129, 300) }, firehose.ErrValidationException},
		{"interval 901", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration = s3(5, 901) }, firehose.ErrValidationException},
		{"interval -1", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration = s3(5, -1) }, firehose.ErrValidationException},
		{"no role", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration.RoleARN = "" }, firehose.ErrValidationException},
		{"bad bucket", func(in *firehose.CreateDeliveryStreamInput) { in.ExtendedS3DestinationConfiguration.BucketARN = "out" }, firehose.ErrValidationException},
		{"expression prefix without error prefix", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "p/!{timestamp:yyyy}/"
		}, firehose.ErrInvalidArgumentException},
		{"error prefix without error-output-type", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "p/!{timestamp:yyyy}/"
			in.ExtendedS3DestinationConfiguration.ErrorOutputPrefix = "e/!{timestamp:yyyy}/"
		}, firehose.ErrInvalidArgumentException},
		{"prefix with error-output-type", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "p/!{firehose:error-output-type}/"
			in.ExtendedS3DestinationConfiguration.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		}, firehose.ErrInvalidArgumentException},
		{"stray !{", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "p/!{oops"
		}, firehose.ErrInvalidArgumentException},
		{"unknown namespace", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "!{foo:bar}"
			in.ExtendedS3DestinationConfiguration.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		}, firehose.ErrInvalidArgumentException},
		{"bad timestamp letter", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "!{timestamp:yyyy-bb}"
			in.ExtendedS3DestinationConfiguration.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		}, firehose.ErrInvalidArgumentException},
		{"partition key without dynamic partitioning", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.Prefix = "!{partitionKeyFromQuery:k}/"
			in.ExtendedS3DestinationConfiguration.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
		}, firehose.ErrInvalidArgumentException},
		{"zero buffering with dynamic partitioning", func(in *firehose.CreateDeliveryStreamInput) {
			c := s3(64, 0)
			c.Prefix = "!{partitionKeyFromQuery:k}/"
			c.ErrorOutputPrefix = "e/!{firehose:error-output-type}/"
			c.DynamicPartitioningConfiguration = &firehose.DynamicPartitioningConfiguration{Enabled: true}
			c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
				{Type: firehose.ProcessorMetadataExtraction, Parameters: []firehose.ProcessorParameter{
					{ParameterName: firehose.ParamMetadataExtractionQuery, ParameterValue: "{k:.k}"},
					{ParameterName: firehose.ParamJsonParsingEngine, ParameterValue: "JQ-1.6"}}}}}
			in.ExtendedS3DestinationConfiguration = c
		}, firehose.ErrInvalidArgumentException},
		{"bad time zone", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.CustomTimeZone = "Mars/Olympus"
		}, firehose.ErrInvalidArgumentException},
		{"bad file extension", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.FileExtension = "gz"
		}, firehose.ErrValidationException},
		{"bad compression", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.CompressionFormat = "LZ4"
		}, firehose.ErrValidationException},
		{"backup enabled without configuration", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration.S3BackupMode = firehose.S3BackupEnabled
		}, firehose.ErrInvalidArgumentException},
		{"kinesis source without configuration", func(in *firehose.CreateDeliveryStreamInput) { in.DeliveryStreamType = firehose.KinesisStreamAsSource }, firehose.ErrInvalidArgumentException},
		{"MSK source", func(in *firehose.CreateDeliveryStreamInput) { in.DeliveryStreamType = firehose.MSKAsSource }, firehose.ErrInvalidArgumentException},
		{"aws: tag", func(in *firehose.CreateDeliveryStreamInput) { in.Tags = []firehose.Tag{{Key: "aws:x", Value: "y"}} }, firehose.ErrInvalidArgumentException},
		{"splunk size 6", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration = nil
			in.SplunkDestinationConfiguration = &firehose.SplunkDestinationConfiguration{HECEndpoint: "https://splunk", HECEndpointType: "Raw",
				HECToken: "t", BufferingHints: &firehose.BufferingHints{SizeInMBs: new(6), IntervalInSeconds: new(60)},
				S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}}
		}, firehose.ErrValidationException},
		{"http size 65", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration = nil
			h := *httpDest
			h.BufferingHints = &firehose.BufferingHints{SizeInMBs: new(65), IntervalInSeconds: new(60)}
			in.HttpEndpointDestinationConfiguration = &h
		}, firehose.ErrValidationException},
		{"redshift snappy", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration = nil
			in.RedshiftDestinationConfiguration = &firehose.RedshiftDestinationConfiguration{RoleARN: roleARN,
				ClusterJDBCURL: "jdbc:redshift://x:5439/db", CopyCommand: &firehose.CopyCommand{DataTableName: "t"},
				S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, CompressionFormat: firehose.Snappy}}
		}, firehose.ErrInvalidArgumentException},
		{"redshift error prefix", func(in *firehose.CreateDeliveryStreamInput) {
			in.ExtendedS3DestinationConfiguration = nil
			in.RedshiftDestinationConfiguration = &firehose.RedshiftDestinationConfiguration{RoleARN: roleARN,
				ClusterJDBCURL: "jdbc:redshift://x:5439/db", CopyCommand: &firehose.CopyCommand{DataTableName: "t"},
				S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, ErrorOutputPrefix: "err/"}}
		}, firehose.ErrInvalidArgumentException},
		{"ORC", func(in *firehose.CreateDeliveryStreamInput) {
			c := s3(128, 300)
			c.DataFormatConversionConfiguration = &firehose.DataFormatConversionConfiguration{Enabled: true,
				OutputFormatConfiguration: &firehose.OutputFormatConfiguration{Serializer: "OrcSerDe"}}
			in.ExtendedS3DestinationConfiguration = c
		}, firehose.ErrInvalidArgumentException},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(e *env) {
				in := valid()
				tt.mutate(&in)
				_, err := e.svc.CreateDeliveryStream(e.ctx, in)
				wantErr(t, err, tt.want, "")
				list, _ := e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{})
				if len(list.DeliveryStreamNames) != 0 {
					t.Errorf("a rejected create left %v", list.DeliveryStreamNames)
				}
			})
		})
	}
}

func make65() []byte {
	b := make([]byte, 65)
	for i := range b {
		b[i] = 'a'
	}
	return b
}

func TestCreateValidConfigurations(t *testing.T) {
	s3conf := &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}
	tests := map[string]firehose.CreateDeliveryStreamInput{
		"interval 0":   {ExtendedS3DestinationConfiguration: s3(1, 0)},
		"plain S3":     {S3DestinationConfiguration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}},
		"static error": {ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, ErrorOutputPrefix: "failed/"}},
		"opensearch": {AmazonopensearchserviceDestinationConfiguration: &firehose.OpenSearchDestinationConfiguration{RoleARN: roleARN,
			ClusterEndpoint: "https://search", IndexName: "logs", S3Configuration: s3conf}},
		"snowflake": {SnowflakeDestinationConfiguration: &firehose.SnowflakeDestinationConfiguration{AccountUrl: "https://x.snowflakecomputing.com",
			Database: "d", Schema: "s", Table: "t", RoleARN: roleARN, S3Configuration: s3conf}},
		"iceberg": {IcebergDestinationConfiguration: &firehose.IcebergDestinationConfiguration{CatalogARN: "arn:aws:glue:us-east-1:123456789012:catalog",
			RoleARN: roleARN, S3Configuration: s3conf}},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			run(t, func(e *env) {
				in.DeliveryStreamName = "s"
				if _, err := e.svc.CreateDeliveryStream(e.ctx, in); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func TestDuplicateAndNotFound(t *testing.T) {
	run(t, func(e *env) {
		e.createS3("a", s3(5, 60))
		_, err := e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "a", ExtendedS3DestinationConfiguration: s3(5, 60)})
		wantErr(t, err, firehose.ErrResourceInUseException, "Firehose a under accountId 123456789012 already exists")
		_, err = e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "b"})
		wantErr(t, err, firehose.ErrResourceNotFoundException, "Firehose b under account 123456789012 not found.")
		wantErr(t, e.svc.DeleteDeliveryStream(e.ctx, firehose.DeleteDeliveryStreamInput{DeliveryStreamName: "b"}), firehose.ErrResourceNotFoundException, "")
		wantErr(t, e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "b", CurrentDeliveryStreamVersionId: "1",
			DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: s3(5, 60)}), firehose.ErrResourceNotFoundException, "")
	})
}

func TestStatusTransitions(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("slow", s3(5, 60))
		status := func() firehose.DeliveryStreamStatus {
			out, err := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "slow"})
			if err != nil {
				t.Fatal(err)
			}
			return out.DeliveryStreamDescription.DeliveryStreamStatus
		}
		if s := status(); s != firehose.StatusCreating {
			t.Fatalf("status = %s, want CREATING", s)
		}
		_, err := d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		wantErr(t, err, firehose.ErrResourceNotFoundException, "Firehose slow is not active in 123456789012 account.")
		wantErr(t, e.svc.DeleteDeliveryStream(e.ctx, firehose.DeleteDeliveryStreamInput{DeliveryStreamName: "slow"}), firehose.ErrResourceInUseException, "")
		e.advance(5 * time.Second)
		if s := status(); s != firehose.StatusActive {
			t.Fatalf("status = %s, want ACTIVE", s)
		}
		if err := e.svc.DeleteDeliveryStream(e.ctx, firehose.DeleteDeliveryStreamInput{DeliveryStreamName: "slow"}); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != firehose.StatusDeleting {
			t.Fatalf("status = %s, want DELETING", s)
		}
		e.advance(5 * time.Second)
		_, err = e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "slow"})
		wantErr(t, err, firehose.ErrResourceNotFoundException, "")
		_, err = d.PutRecord(e.ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("x")}})
		wantErr(t, err, firehose.ErrResourceNotFoundException, "")
	}, firehose.WithTransitionDelay(5*time.Second))
}

func TestListDeliveryStreams(t *testing.T) {
	run(t, func(e *env) {
		for _, n := range []string{"c", "a", "e", "b", "d"} {
			e.createS3(n, s3(5, 60))
		}
		out, err := e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{Limit: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.DeliveryStreamNames; len(got) != 2 || got[0] != "a" || got[1] != "b" || !out.HasMoreDeliveryStreams {
			t.Errorf("page 1 = %+v", out)
		}
		out, _ = e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{Limit: new(2), ExclusiveStartDeliveryStreamName: "b"})
		if got := out.DeliveryStreamNames; len(got) != 2 || got[0] != "c" || got[1] != "d" || !out.HasMoreDeliveryStreams {
			t.Errorf("page 2 = %+v", out)
		}
		out, _ = e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{ExclusiveStartDeliveryStreamName: "d"})
		if got := out.DeliveryStreamNames; len(got) != 1 || got[0] != "e" || out.HasMoreDeliveryStreams {
			t.Errorf("page 3 = %+v", out)
		}
		out, _ = e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{DeliveryStreamType: firehose.KinesisStreamAsSource})
		if len(out.DeliveryStreamNames) != 0 {
			t.Errorf("type filter = %+v", out)
		}
		_, err = e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{Limit: new(0)})
		wantErr(t, err, firehose.ErrValidationException, "")
		_ = e.svc.DeleteDeliveryStream(e.ctx, firehose.DeleteDeliveryStreamInput{DeliveryStreamName: "a"})
		out, _ = e.svc.ListDeliveryStreams(e.ctx, firehose.ListDeliveryStreamsInput{})
		if len(out.DeliveryStreamNames) != 4 || out.DeliveryStreamNames[0] != "b" {
			t.Errorf("after delete = %+v", out)
		}
	})
}
