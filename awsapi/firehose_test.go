package awsapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

func TestFirehoseEveryOperation(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		c := e.hose
		name := aws.String("clicks")
		bucket := "arn:aws:s3:::clicks"
		created := must(c.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: name,
			ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
				RoleARN: aws.String("arn:aws:iam::123456789012:role/firehose"), BucketARN: aws.String(bucket), Prefix: aws.String("raw/"),
				BufferingHints: &types.BufferingHints{IntervalInSeconds: aws.Int32(60), SizeInMBs: aws.Int32(5)}},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("data")}}}))(t)
		if !strings.HasSuffix(*created.DeliveryStreamARN, ":deliverystream/clicks") {
			t.Fatalf("ARN = %s", *created.DeliveryStreamARN)
		}
		e.clock.Add(time.Minute) // CREATING → ACTIVE
		desc := must(c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name}))(t).DeliveryStreamDescription
		if desc.DeliveryStreamStatus != types.DeliveryStreamStatusActive || desc.CreateTimestamp == nil || len(desc.Destinations) != 1 {
			t.Fatalf("description = %+v", desc)
		}
		dest := desc.Destinations[0]
		if dest.ExtendedS3DestinationDescription == nil || *dest.ExtendedS3DestinationDescription.BufferingHints.IntervalInSeconds != 60 {
			t.Fatalf("destination = %+v", dest)
		}

		must(c.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: name, Record: &types.Record{Data: []byte("one\n")}}))(t)
		batch := must(c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: name,
			Records: []types.Record{{Data: []byte("two\n")}, {Data: []byte("three\n")}}}))(t)
		if *batch.FailedPutCount != 0 || len(batch.RequestResponses) != 2 || batch.RequestResponses[0].RecordId == nil {
			t.Fatalf("PutRecordBatch = %+v", batch)
		}
		e.clock.Add(61 * time.Second) // the buffer interval passes
		objs := e.hoses.Bucket(bucket).Objects("raw/")
		if len(objs) != 1 || string(objs[0].Body) != "one\ntwo\nthree\n" {
			t.Fatalf("objects = %+v", objs)
		}

		if got := must(c.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{}))(t).DeliveryStreamNames; len(got) != 1 {
			t.Fatalf("ListDeliveryStreams = %v", got)
		}
		must(c.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: name, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}}}))(t)
		must(c.UntagDeliveryStream(ctx, &firehose.UntagDeliveryStreamInput{DeliveryStreamName: name, TagKeys: []string{"team"}}))(t)
		if tags := must(c.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: name}))(t).Tags; len(tags) != 1 || *tags[0].Key != "env" {
			t.Fatalf("tags = %+v", tags)
		}
		must(c.StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: name,
			DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{KeyType: types.KeyTypeAwsOwnedCmk}}))(t)
		e.clock.Add(time.Minute)
		must(c.StopDeliveryStreamEncryption(ctx, &firehose.StopDeliveryStreamEncryptionInput{DeliveryStreamName: name}))(t)
		e.clock.Add(time.Minute)
		desc = must(c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name}))(t).DeliveryStreamDescription
		must(c.UpdateDestination(ctx, &firehose.UpdateDestinationInput{DeliveryStreamName: name, CurrentDeliveryStreamVersionId: desc.VersionId,
			DestinationId: desc.Destinations[0].DestinationId, ExtendedS3DestinationUpdate: &types.ExtendedS3DestinationUpdate{Prefix: aws.String("v2/")}}))(t)
		must(c.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: name}))(t)
		e.clock.Add(time.Minute)
		_, err := c.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name})
		wantAPIError(t, err, "ResourceNotFoundException")
		var rnf *types.ResourceNotFoundException
		if !asError(err, &rnf) {
			t.Fatalf("err = %T, want *types.ResourceNotFoundException", err)
		}
	})
}
