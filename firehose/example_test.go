package firehose_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
)

// A delivery stream buffers records and writes one object per flush: none
// before the interval, one after it.
func ExampleDeliveryStream_PutRecordBatch() {
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 11, 25, 11, 4, 5, 0, time.UTC))
	svc := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(1, 2)))
	defer svc.Close()

	// The bucket tells when an object is written: the stream's timer
	// delivers on its own goroutine.
	bucket := firehose.NewBucket()
	written := make(chan string, 1)
	svc.RegisterBucket("arn:aws:s3:::lake", firehose.DestinationFunc(func(ctx context.Context, key string, body []byte) error {
		err := bucket.PutObject(ctx, key, body)
		written <- key
		return err
	}))

	out, err := svc.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: "clicks",
		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
			RoleARN:        "arn:aws:iam::123456789012:role/firehose",
			BucketARN:      "arn:aws:s3:::lake",
			Prefix:         "raw/",
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(5), IntervalInSeconds: new(60)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = out.DeliveryStream.PutRecordBatch(ctx, firehose.PutRecordBatchInput{Records: []firehose.Record{
		{Data: []byte("one\n")}, {Data: []byte("two\n")},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("objects before the interval:", bucket.Len())

	mock.Add(60 * time.Second)
	<-written
	for _, o := range bucket.Objects("") {
		fmt.Printf("%s-<uuid> (%d bytes)\n", o.Key[:len(o.Key)-37], len(o.Body))
		fmt.Print(string(o.Body))
	}
	// Output:
	// objects before the interval: 0
	// raw/2026/11/25/11/clicks-1-2026-11-25-11-04-05-<uuid> (8 bytes)
	// one
	// two
}

// A Go function registered under a Lambda ARN transforms records. The
// Lambda processor has its own buffer (1 MiB or 60 s by default): the
// function runs when it flushes.
func ExampleService_RegisterFunction() {
	ctx := context.Background()
	mock := clock.NewMock()
	svc := firehose.New(firehose.WithClock(mock))
	defer svc.Close()

	arn := svc.FunctionARN("shout")
	svc.RegisterFunction(arn, func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
		var resp firehose.TransformResponse
		for _, r := range ev.Records {
			resp.Records = append(resp.Records, firehose.TransformResponseRecord{
				RecordID: r.RecordID, Result: firehose.ResultOk, Data: []byte(strings.ToUpper(string(r.Data)) + "!\n")})
		}
		return resp, nil
	})
	written := make(chan []byte, 1)
	svc.RegisterBucket("arn:aws:s3:::out", firehose.DestinationFunc(func(_ context.Context, _ string, body []byte) error {
		written <- body
		return nil
	}))
	out, err := svc.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: "loud",
		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
			RoleARN:        "arn:aws:iam::123456789012:role/firehose",
			BucketARN:      "arn:aws:s3:::out",
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(0)}, // zero buffering
			ProcessingConfiguration: &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{{
				Type:       firehose.ProcessorLambda,
				Parameters: []firehose.ProcessorParameter{{ParameterName: firehose.ParamLambdaArn, ParameterValue: arn}},
			}}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = out.DeliveryStream.PutRecord(ctx, firehose.PutRecordInput{Record: firehose.Record{Data: []byte("hello")}})
	mock.Add(60 * time.Second) // the processor's BufferIntervalInSeconds
	fmt.Print(string(<-written))
	// Output:
	// HELLO!
}

// Validation errors carry AWS's error code; errors.Is matches them.
func ExampleErrInvalidArgumentException() {
	svc := firehose.New()
	defer svc.Close()
	_, err := svc.CreateDeliveryStream(context.Background(), firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: "s",
		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
			RoleARN: "arn:aws:iam::123456789012:role/firehose", BucketARN: "arn:aws:s3:::out",
			Prefix: "year=!{timestamp:yyyy}/",
		},
	})
	fmt.Println(err)
	// Output:
	// InvalidArgumentException: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.
}
