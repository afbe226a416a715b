package firehose_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// epoch is where every test's mock clock starts.
var epoch = time.Date(2026, 11, 25, 11, 4, 5, 0, time.UTC)

const (
	bucketARN = "arn:aws:s3:::out"
	roleARN   = "arn:aws:iam::123456789012:role/firehose"
)

// env is one test's Service on a mock clock, inside a synctest bubble.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *clock.Mock
	svc   *firehose.Service
}

// run runs fn inside a synctest bubble with a fresh env.
func run(t *testing.T, fn func(e *env), opts ...firehose.Option) {
	t.Helper()
	runKinesis(t, func(e *env, _ *stream.Service) { fn(e) }, opts...)
}

// runKinesis is run with a Kinesis Data Streams service on the same clock,
// wired in with WithStreams.
func runKinesis(t *testing.T, fn func(e *env, ks *stream.Service), opts ...firehose.Option) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		mock := clock.NewMock()
		mock.Set(epoch)
		ks := stream.New(stream.WithClock(mock), stream.WithRand(rand.NewPCG(3, 4)))
		defer ks.Close()
		svc := firehose.New(append([]firehose.Option{firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(1, 2)),
			firehose.WithStreams(ks)}, opts...)...)
		defer svc.Close()
		fn(&env{t: t, ctx: context.Background(), clock: mock, svc: svc}, ks)
		synctest.Wait()
	})
}

// advance moves the clock and lets the timers it fired finish.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	synctest.Wait()
	e.clock.Add(d)
	synctest.Wait()
}

// advanceKinesis moves the clock in 5-second steps, letting the Kinesis
// readers take each subscription heartbeat before the next step. (In one
// long step a reader that wakes late asks the stream for its next
// heartbeat in the past, and stream.Subscription.Next passes that negative
// duration to clock.Timer, which makes the benbjohnson mock clock jump
// back.)
func (e *env) advanceKinesis(d time.Duration) {
	e.t.Helper()
	for d > 0 {
		step := min(d, 5*time.Second)
		e.advance(step)
		d -= step
	}
}

// s3 returns an ExtendedS3 configuration with the given hints.
func s3(size, interval int) *firehose.ExtendedS3DestinationConfiguration {
	return &firehose.ExtendedS3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN,
		BufferingHints: &firehose.BufferingHints{SizeInMBs: new(size), IntervalInSeconds: new(interval)}}
}

// create makes a delivery stream or fails the test.
func (e *env) create(in firehose.CreateDeliveryStreamInput) *firehose.DeliveryStream {
	e.t.Helper()
	out, err := e.svc.CreateDeliveryStream(e.ctx, in)
	if err != nil {
		e.t.Fatalf("CreateDeliveryStream(%q): %v", in.DeliveryStreamName, err)
	}
	return out.DeliveryStream
}

// createS3 makes a DirectPut stream to an ExtendedS3 destination.
func (e *env) createS3(name string, c *firehose.ExtendedS3DestinationConfiguration) *firehose.DeliveryStream {
	e.t.Helper()
	return e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: name, ExtendedS3DestinationConfiguration: c})
}

// put puts records or fails the test.
func (e *env) put(d *firehose.DeliveryStream, data ...string) firehose.PutRecordBatchOutput {
	e.t.Helper()
	recs := make([]firehose.Record, len(data))
	for i, s := range data {
		recs[i] = firehose.Record{Data: []byte(s)}
	}
	out, err := d.PutRecordBatch(e.ctx, firehose.PutRecordBatchInput{Records: recs})
	if err != nil {
		e.t.Fatalf("PutRecordBatch: %v", err)
	}
	return out
}

// bucket returns the in-memory bucket of bucketARN.
func (e *env) bucket() *firehose.Bucket { return e.svc.Bucket(bucketARN) }

// objects returns the bucket's objects as key -> body.
func (e *env) objects(arn string) map[string]string {
	out := map[string]string{}
	for _, o := range e.svc.Bucket(arn).Objects("") {
		out[o.Key] = string(o.Body)
	}
	return out
}

// wantErr fails the test unless err matches the sentinel and, if msg is not
// empty, carries exactly that message.
func wantErr(t *testing.T, err error, sentinel *firehose.Error, msg string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error = %v, want %s", err, sentinel.Code)
	}
	var fe *firehose.Error
	if msg != "" && (!errors.As(err, &fe) || fe.Message != msg) {
		t.Fatalf("message = %q, want %q", fe.Message, msg)
	}
}
