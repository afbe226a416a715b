package analytics

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

// A delivery stream as an input: the application reads every record the
// delivery stream accepts while it runs, and the delivery stream still
// delivers them.
func TestFirehoseInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		fh := firehose.New(firehose.WithClock(mock))
		defer fh.Close()
		out, err := fh.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "ticks",
			ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
				RoleARN: "arn:aws:iam::123456789012:role/r", BucketARN: "arn:aws:s3:::raw",
				BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}})
		if err != nil {
			t.Fatal(err)
		}
		mock.Add(time.Minute) // ACTIVE
		synctest.Wait()
		d, err := fh.DeliveryStream(ctx, "ticks")
		if err != nil {
			t.Fatal(err)
		}
		svc := New(WithClock(mock), WithFirehose(fh))
		defer svc.Close()
		in := tickerInput()
		in.GoInput, in.KinesisFirehoseInput = nil, &KinesisFirehoseInput{ResourceARN: out.DeliveryStreamARN}
		if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "f", ApplicationCode: tickerCode, Inputs: []Input{in}}); err != nil {
			t.Fatal(err)
		}
		put := func(from, n int) {
			recs := make([]firehose.Record, n)
			for i := range n {
				recs[i] = firehose.Record{Data: []byte(`{"TICKER_SYMBOL":"F` + strconv.Itoa(from+i) + `","PRICE":` + strconv.Itoa(20+i) + `}`)}
			}
			if _, err := d.PutRecordBatch(ctx, firehose.PutRecordBatchInput{Records: recs}); err != nil {
				t.Fatal(err)
			}
		}
		put(0, 2) // before the application runs: not read
		desc, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "f"})
		if got := desc.ApplicationDetail.InputDescriptions[0].KinesisFirehoseInput; got == nil || got.ResourceARN != out.DeliveryStreamARN {
			t.Fatalf("input description = %+v", desc.ApplicationDetail.InputDescriptions[0])
		}
		app, _ := svc.Application("f")
		r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
		if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "f", InputConfigurations: []InputConfiguration{{
			Id: desc.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
				InputStartingPosition: StartingPositionNow}}}}); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			mock.Add(time.Second)
			synctest.Wait()
		}
		put(10, 3)
		var got []string
		for range 3 {
			row, err := r.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, row.Get("TICKER_SYMBOL").String())
		}
		if strings.Join(got, ",") != "F10,F11,F12" {
			t.Fatalf("rows from the delivery stream: %v", got)
		}
		if err := svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "f"}); err != nil {
			t.Fatal(err)
		}
		put(20, 1) // after the stop: not read
		if row, ok, _ := r.TryNext(ctx); ok {
			t.Fatalf("row after StopApplication: %v", row)
		}
		mock.Add(time.Minute)
		synctest.Wait()
		if n := fh.Bucket("arn:aws:s3:::raw").Len(); n != 1 {
			t.Fatalf("the delivery stream wrote %d objects, want 1", n)
		}
	})
}
