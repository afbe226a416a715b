package firehose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

func TestUpdateDestination(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.Prefix = "v/"
		d := e.createS3("s", c)
		update := func(version string, u *firehose.ExtendedS3DestinationConfiguration) error {
			return e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s",
				CurrentDeliveryStreamVersionId: version, DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: u})
		}
		if err := update("1", &firehose.ExtendedS3DestinationConfiguration{CompressionFormat: firehose.GZIP}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, update("1", &firehose.ExtendedS3DestinationConfiguration{CompressionFormat: firehose.ZIP}),
			firehose.ErrConcurrentModificationException,
			"Cannot update firehose: s since the current version id: 2 and specified version id: 1 do not match")
		err := e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "2",
			DestinationId: "destinationId-000000000002", ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{}})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "")
		out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "s"})
		desc := out.DeliveryStreamDescription
		got := desc.Destinations[0].ExtendedS3DestinationDescription
		if desc.VersionId != "2" || got.Prefix != "v/" || got.CompressionFormat != firehose.GZIP || *got.BufferingHints.IntervalInSeconds != 60 {
			t.Fatalf("after a merge: version %s, %+v", desc.VersionId, got)
		}
		e.put(d, "x")
		e.advance(time.Minute)
		if keys := e.bucket().Keys(); len(keys) != 1 || !strings.HasPrefix(keys[0], "v/2026/11/25/11/s-2-") || !strings.HasSuffix(keys[0], ".gz") {
			t.Fatalf("keys = %v, want version 2 in the name", keys)
		}
	})
}

func TestUpdateReplacesAnotherType(t *testing.T) {
	run(t, func(e *env) {
		e.createS3("s", s3(1, 60))
		up := firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "1", DestinationId: firehose.DestinationID,
			HttpEndpointDestinationUpdate: &firehose.HttpEndpointDestinationConfiguration{
				EndpointConfiguration: &firehose.HttpEndpointConfiguration{Url: "https://example.com"}}}
		wantErr(t, e.svc.UpdateDestination(e.ctx, up), firehose.ErrValidationException, "")
		up.HttpEndpointDestinationUpdate.S3Configuration = &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}
		if err := e.svc.UpdateDestination(e.ctx, up); err != nil {
			t.Fatal(err)
		}
		out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "s"})
		if dd := out.DeliveryStreamDescription.Destinations[0]; dd.HttpEndpointDestinationDescription == nil || dd.ExtendedS3DestinationDescription != nil {
			t.Fatalf("destination = %+v", dd)
		}
	})
}

func TestUpdateFlushesWithOldVersion(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 60))
		e.put(d, "old")
		if err := e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "1",
			DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{Prefix: "new/"}}); err != nil {
			t.Fatal(err)
		}
		objs := e.objects(bucketARN)
		if len(objs) != 1 {
			t.Fatalf("objects = %v", objs)
		}
		for k := range objs {
			if !strings.HasPrefix(k, "2026/11/25/11/s-1-") {
				t.Errorf("key = %s", k)
			}
		}
	})
}

func TestBackupCannotBeDisabled(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.S3BackupMode = firehose.S3BackupEnabled
		c.S3BackupConfiguration = &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: "arn:aws:s3:::backup", Prefix: "raw/"}
		c.ProcessingConfiguration = &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{{Type: firehose.ProcessorAppendDelimiterToRecord}}}
		d := e.createS3("s", c)
		e.put(d, "a", "b")
		e.advance(time.Minute)
		if objs := e.bucket().Objects(""); len(objs) != 1 || string(objs[0].Body) != "a\nb\n" {
			t.Fatalf("destination objects = %+v", objs)
		}
		e.advance(4 * time.Minute) // the backup's default 300 s
		backup := e.svc.Bucket("arn:aws:s3:::backup").Objects("raw/2026/11/25/11/s-1-")
		if len(backup) != 1 || string(backup[0].Body) != "ab" {
			t.Fatalf("backup objects = %v", e.svc.Bucket("arn:aws:s3:::backup").Keys())
		}
		err := e.svc.UpdateDestination(e.ctx, firehose.UpdateDestinationInput{DeliveryStreamName: "s", CurrentDeliveryStreamVersionId: "1",
			DestinationId: firehose.DestinationID, ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{S3BackupMode: firehose.S3BackupDisabled}})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "S3BackupMode cannot be changed from Enabled to Disabled.")
	})
}

func TestEncryption(t *testing.T) {
	run(t, func(e *env) {
		d := e.createS3("s", s3(1, 60))
		status := func() firehose.EncryptionStatus {
			out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "s"})
			return out.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration.Status
		}
		e.advance(time.Second)
		if err := e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "s"}); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != firehose.EncryptionEnabling {
			t.Fatalf("status = %s", s)
		}
		e.advance(time.Second)
		if s := status(); s != firehose.EncryptionEnabled {
			t.Fatalf("status = %s", s)
		}
		if out := e.put(d, "x"); !out.Encrypted {
			t.Errorf("Encrypted = false once ENABLED")
		}
		if err := e.svc.StopDeliveryStreamEncryption(e.ctx, firehose.StopDeliveryStreamEncryptionInput{DeliveryStreamName: "s"}); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != firehose.EncryptionDisabling {
			t.Fatalf("status = %s", s)
		}
		e.advance(time.Second)
		if s := status(); s != firehose.EncryptionDisabled {
			t.Fatalf("status = %s", s)
		}
		err := e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "s",
			DeliveryStreamEncryptionConfigurationInput: &firehose.DeliveryStreamEncryptionConfigurationInput{KeyType: firehose.CustomerManagedCMK}})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "")
		for i := 2; i < firehose.MaxEncryptionChanges; i++ {
			if err := e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "s"}); err != nil {
				t.Fatalf("change %d: %v", i+1, err)
			}
			e.advance(time.Second)
		}
		err = e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "s"})
		wantErr(t, err, firehose.ErrLimitExceededException, "")
	}, firehose.WithTransitionDelay(time.Second))
}

func TestTags(t *testing.T) {
	run(t, func(e *env) {
		e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: s3(1, 60),
			Tags: []firehose.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}}})
		if err := e.svc.TagDeliveryStream(e.ctx, firehose.TagDeliveryStreamInput{DeliveryStreamName: "s", Tags: []firehose.Tag{{Key: "c", Value: "3"}}}); err != nil {
			t.Fatal(err)
		}
		out, err := e.svc.ListTagsForDeliveryStream(e.ctx, firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: "s", Limit: new(2)})
		if err != nil || len(out.Tags) != 2 || out.Tags[0].Key != "a" || out.Tags[1].Key != "b" || !out.HasMoreTags {
			t.Fatalf("tags = %+v, %v", out, err)
		}
		out, _ = e.svc.ListTagsForDeliveryStream(e.ctx, firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: "s", ExclusiveStartTagKey: "b"})
		if len(out.Tags) != 1 || out.Tags[0] != (firehose.Tag{Key: "c", Value: "3"}) || out.HasMoreTags {
			t.Fatalf("tags after b = %+v", out)
		}
		_ = e.svc.UntagDeliveryStream(e.ctx, firehose.UntagDeliveryStreamInput{DeliveryStreamName: "s", TagKeys: []string{"a", "zz"}})
		out, _ = e.svc.ListTagsForDeliveryStream(e.ctx, firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: "s"})
		if len(out.Tags) != 2 {
			t.Fatalf("tags after untag = %+v", out)
		}
		many := make([]firehose.Tag, 49)
		for i := range many {
			many[i] = firehose.Tag{Key: "k" + itoa(i)}
		}
		err = e.svc.TagDeliveryStream(e.ctx, firehose.TagDeliveryStreamInput{DeliveryStreamName: "s", Tags: many})
		wantErr(t, err, firehose.ErrLimitExceededException, "")
	})
}

func itoa(i int) string {
	return string(rune('a'+i/26)) + string(rune('a'+i%26))
}

func TestUpdateRules(t *testing.T) {
	s3conf := &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}
	splunk := &firehose.SplunkDestinationConfiguration{HECEndpoint: "https://splunk", HECEndpointType: "Raw", HECToken: "t",
		S3BackupMode: firehose.S3BackupAllEvents, S3Configuration: s3conf}
	os := &firehose.OpenSearchDestinationConfiguration{RoleARN: roleARN, ClusterEndpoint: "https://search", IndexName: "i", S3Configuration: s3conf}
	tests := []struct {
		name   string
		create firehose.CreateDeliveryStreamInput
		update firehose.UpdateDestinationInput
		want   *firehose.Error
	}{
		{"opensearch to S3", firehose.CreateDeliveryStreamInput{AmazonopensearchserviceDestinationConfiguration: os},
			firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: s3(1, 60)}, firehose.ErrInvalidArgumentException},
		{"splunk AllEvents to FailedEventsOnly", firehose.CreateDeliveryStreamInput{SplunkDestinationConfiguration: splunk},
			firehose.UpdateDestinationInput{SplunkDestinationUpdate: &firehose.SplunkDestinationConfiguration{S3BackupMode: firehose.S3BackupFailedEventsOnly}},
			firehose.ErrInvalidArgumentException},
		{"two updates", firehose.CreateDeliveryStreamInput{ExtendedS3DestinationConfiguration: s3(1, 60)},
			firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: s3(1, 60), S3DestinationUpdate: s3conf}, firehose.ErrInvalidArgumentException},
		{"zero-buffered backup", firehose.CreateDeliveryStreamInput{ExtendedS3DestinationConfiguration: s3(1, 60)},
			firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{S3BackupMode: firehose.S3BackupEnabled,
				S3BackupConfiguration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN,
					BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(0)}}}}, firehose.ErrInvalidArgumentException},
		{"bad merged hints", firehose.CreateDeliveryStreamInput{ExtendedS3DestinationConfiguration: s3(1, 60)},
			firehose.UpdateDestinationInput{ExtendedS3DestinationUpdate: &firehose.ExtendedS3DestinationConfiguration{
				BufferingHints: &firehose.BufferingHints{SizeInMBs: new(200)}}}, firehose.ErrValidationException},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(e *env) {
				tt.create.DeliveryStreamName = "s"
				e.create(tt.create)
				tt.update.DeliveryStreamName, tt.update.CurrentDeliveryStreamVersionId, tt.update.DestinationId = "s", "1", firehose.DestinationID
				wantErr(t, e.svc.UpdateDestination(e.ctx, tt.update), tt.want, "")
				out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "s"})
				if v := out.DeliveryStreamDescription.VersionId; v != "1" {
					t.Errorf("VersionId = %s after a rejected update", v)
				}
			})
		})
	}
}

func TestCustomerManagedKey(t *testing.T) {
	run(t, func(e *env) {
		e.createS3("s", s3(1, 60))
		start := func(arn string) error {
			return e.svc.StartDeliveryStreamEncryption(e.ctx, firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: "s",
				DeliveryStreamEncryptionConfigurationInput: &firehose.DeliveryStreamEncryptionConfigurationInput{KeyType: firehose.CustomerManagedCMK, KeyARN: arn}})
		}
		wantErr(t, start("not-an-arn"), firehose.ErrValidationException, "")
		key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		if err := start(key); err != nil {
			t.Fatal(err)
		}
		out, _ := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "s"})
		if enc := out.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration; enc.KeyARN != key || enc.KeyType != firehose.CustomerManagedCMK || enc.Status != firehose.EncryptionEnabled {
			t.Fatalf("encryption = %+v", enc)
		}
	})
}
