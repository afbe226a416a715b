package analytics

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestKinesisStreamInputAndOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		ks := stream.New(stream.WithClock(mock))
		defer ks.Close()
		src, err := ks.CreateStream(ctx, stream.CreateStreamInput{StreamName: "ticks", ShardCount: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		dst, err := ks.CreateStream(ctx, stream.CreateStreamInput{StreamName: "out", ShardCount: new(1)})
		if err != nil {
			t.Fatal(err)
		}
		mock.Add(time.Minute) // the streams become ACTIVE
		synctest.Wait()
		svc := New(WithClock(mock), WithStreams(ks))
		defer svc.Close()
		svc.RegisterStream(dst)
		in := tickerInput()
		in.GoInput = nil
		in.KinesisStreamsInput = &KinesisStreamsInput{ResourceARN: src.ARN()}
		put := func(n int) {
			for i := range n {
				b := `{"TICKER_SYMBOL":"K` + strconv.Itoa(i) + `","PRICE":` + strconv.Itoa(10+i) + `}`
				if _, err := src.PutRecord(ctx, stream.PutRecordInput{Data: []byte(b), PartitionKey: strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		put(3) // before the application starts: read with TRIM_HORIZON
		if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "k", ApplicationCode: tickerCode, Inputs: []Input{in},
			Outputs: []Output{{Name: "DESTINATION_SQL_STREAM", DestinationSchema: DestinationSchema{RecordFormatType: RecordFormatCSV},
				KinesisStreamsOutput: &KinesisStreamsOutput{ResourceARN: dst.ARN()}}}}); err != nil {
			t.Fatal(err)
		}
		d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "k"})
		app, _ := svc.Application("k")
		r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
		if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "k", InputConfigurations: []InputConfiguration{{
			Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
				InputStartingPosition: StartingPositionTrimHorizon}}}}); err != nil {
			t.Fatal(err)
		}
		for range 10 {
			mock.Add(time.Second)
			synctest.Wait()
		}
		put(2)
		// Next blocks until the shard readers have delivered (a blocked
		// Next lets the bubble's time run for the stream's own waits).
		var got []string
		for range 3 {
			row, err := r.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, row.Get("TICKER_SYMBOL").String())
		}
		_ = app.step(ctx) // waits for the delivery in flight
		slicesSort(got)
		if strings.Join(got, ",") != "K1,K1,K2" {
			t.Fatalf("rows from the stream: %v", got)
		}
		// The output stream got the same rows as CSV.
		shards, _ := ks.ListShards(ctx, stream.ListShardsInput{StreamARN: dst.ARN()})
		it, _ := dst.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: shards.Shards[0].ShardId,
			ShardIteratorType: stream.TrimHorizon})
		recs, err := dst.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs.Records) != 3 || !strings.HasSuffix(string(recs.Records[0].Data), "\n") {
			t.Fatalf("output records: %d", len(recs.Records))
		}
		if err := svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "k"}); err != nil {
			t.Fatal(err)
		}
		svc.Close()
		ks.Close()
		synctest.Wait()
	})
}

func slicesSort(s []string) { sortStrings(s) }

func TestKinesisInputPreprocessingMetadata(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		ks := stream.New(stream.WithClock(mock))
		src, err := ks.CreateStream(ctx, stream.CreateStreamInput{StreamName: "ticks", ShardCount: new(1)})
		if err != nil {
			t.Fatal(err)
		}
		mock.Add(time.Minute)
		synctest.Wait()
		svc := New(WithClock(mock), WithStreams(ks))
		got := make(chan PreprocessingEvent, 4)
		svc.RegisterFunction("arn:pre", func(_ context.Context, b []byte) ([]byte, error) {
			var ev PreprocessingEvent
			if err := json.Unmarshal(b, &ev); err != nil {
				return nil, err
			}
			got <- ev
			var resp PreprocessingResponse
			for _, r := range ev.Records {
				resp.Records = append(resp.Records, PreprocessingResult{RecordID: r.RecordID, Result: "Ok", Data: r.Data})
			}
			return json.Marshal(resp)
		})
		in := tickerInput()
		in.GoInput = nil
		in.KinesisStreamsInput = &KinesisStreamsInput{ResourceARN: src.ARN()}
		in.InputProcessingConfiguration = &InputProcessingConfiguration{InputLambdaProcessor: &InputLambdaProcessor{ResourceARN: "arn:pre"}}
		app := startTicker2(t, svc, in)
		for range 10 { // the consumer becomes ACTIVE, the readers subscribe
			mock.Add(time.Second)
			synctest.Wait()
		}
		if _, err := src.PutRecord(ctx, stream.PutRecordInput{Data: []byte(`{"TICKER_SYMBOL":"A","PRICE":20}`), PartitionKey: "pk"}); err != nil {
			t.Fatal(err)
		}
		ev := <-got
		md := ev.Records[0].KinesisStreamRecordMetadata
		if ev.StreamARN != src.ARN() || md == nil || md.PartitionKey != "pk" || md.ShardID == "" || md.SequenceNumber == "" {
			t.Fatalf("event %+v", ev)
		}
		_ = app
		svc.Close()
		ks.Close()
		synctest.Wait()
	})
}

func startTicker2(t *testing.T, svc *Service, in Input) *Application {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "app", ApplicationCode: tickerCode, Inputs: []Input{in}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "app", InputConfigurations: []InputConfiguration{{
		Id: d.ApplicationDetail.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{
			InputStartingPosition: StartingPositionNow}}}}); err != nil {
		t.Fatal(err)
	}
	app, _ := svc.Application("app")
	return app
}

func TestDiscoverInputSchemaFromStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		mock := newMock()
		ks := stream.New(stream.WithClock(mock))
		defer ks.Close()
		src, err := ks.CreateStream(ctx, stream.CreateStreamInput{StreamName: "ticks", ShardCount: new(2)})
		if err != nil {
			t.Fatal(err)
		}
		mock.Add(time.Minute)
		synctest.Wait()
		for i := range 3 {
			if _, err := src.PutRecord(ctx, stream.PutRecordInput{Data: []byte(`{"TICKER":"AMZN","PRICE":1.5}`), PartitionKey: strconv.Itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		svc := New(WithClock(mock), WithStreams(ks))
		out, err := svc.DiscoverInputSchema(ctx, DiscoverInputSchemaInput{ResourceARN: src.ARN()})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.RawInputRecords) != 3 || len(out.InputSchema.RecordColumns) != 2 {
			t.Fatalf("discovered %+v", out)
		}
	})
}
