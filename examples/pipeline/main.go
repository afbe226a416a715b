// Command pipeline shows a Kinesis data stream feeding an Amazon Data
// Firehose delivery stream, on a mock clock: click events written to a
// "clickstream" stream (three of them aggregated by the Kinesis Producer
// Library) are read by a KinesisStreamAsSource delivery stream, enriched by
// a Go function standing in for a Lambda transform (which runs when the
// processor's 60-second buffer flushes), partitioned by country with a jq
// MetadataExtraction query, and written after the destination's 60-second
// buffer interval as one object per partition into a directory, with the
// records that fail under the error prefix. Run it with
//
//	go run ./examples/pipeline
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(1)
	}
}

// clicks are the events written to the Kinesis stream; the last three go
// in one KPL aggregated record.
var clicks = []string{
	`{"user":"ana","country":"de","page":"/home"}`,
	`{"user":"bo","country":"us","page":"/cart"}`,
	`{"user":"cy","page":"/home"}`,
	`not json`,
	`{"user":"dee","country":"us","page":"/checkout"}`,
	`{"user":"eli","country":"de","page":"/cart"}`,
}

// enrich is the transform: it adds the page's section to every click and
// rejects what is not JSON.
func enrich(seen func(int)) firehose.TransformFunc {
	return func(_ context.Context, ev firehose.TransformEvent) (firehose.TransformResponse, error) {
		var out firehose.TransformResponse
		for _, r := range ev.Records {
			var click map[string]any
			res := firehose.TransformResponseRecord{RecordID: r.RecordID, Result: firehose.ResultProcessingFailed, Data: r.Data}
			if json.Unmarshal(r.Data, &click) == nil {
				page, _ := click["page"].(string)
				click["section"] = strings.Trim(page, "/")
				click["shard"] = r.KinesisRecordMetadata.ShardID
				res.Data, _ = json.Marshal(click)
				res.Result = firehose.ResultOk
			}
			out.Records = append(out.Records, res)
		}
		seen(len(ev.Records))
		return out, nil
	}
}

// notifying is a directory that reports every object written to it.
type notifying struct {
	dir     firehose.Dir
	written chan string
}

func (n notifying) PutObject(ctx context.Context, key string, body []byte) error {
	if err := n.dir.PutObject(ctx, key, body); err != nil {
		return err
	}
	n.written <- key
	return nil
}

func run(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	logf := func(format string, args ...any) {
		fmt.Fprintf(w, "[%s] %s\n", mock.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	dir, err := os.MkdirTemp("", "sluice-pipeline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	kinesis := stream.New(stream.WithClock(mock), stream.WithRand(rand.NewPCG(1, 2)))
	defer kinesis.Close()
	fh := firehose.New(firehose.WithClock(mock), firehose.WithRand(rand.NewPCG(3, 4)), firehose.WithStreams(kinesis))
	defer fh.Close()

	src, err := kinesis.CreateStream(ctx, stream.CreateStreamInput{StreamName: "clickstream", ShardCount: new(1)})
	if err != nil {
		return err
	}
	logf("created Kinesis stream %s", src.ARN())

	var mu sync.Mutex
	transformed := 0
	allSeen := make(chan struct{})
	lambda := fh.FunctionARN("enrich")
	fh.RegisterFunction(lambda, enrich(func(n int) {
		mu.Lock()
		defer mu.Unlock()
		transformed += n
		if transformed == len(clicks) {
			close(allSeen)
		}
	}))
	out := notifying{dir: firehose.Dir(dir), written: make(chan string, 16)}
	fh.RegisterBucket("arn:aws:s3:::lake", out)

	created, err := fh.CreateDeliveryStream(ctx, firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: "clicks-to-lake",
		DeliveryStreamType: firehose.KinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &firehose.KinesisStreamSourceConfiguration{
			KinesisStreamARN: src.ARN(), RoleARN: "arn:aws:iam::123456789012:role/firehose"},
		ExtendedS3DestinationConfiguration: &firehose.ExtendedS3DestinationConfiguration{
			RoleARN:                          "arn:aws:iam::123456789012:role/firehose",
			BucketARN:                        "arn:aws:s3:::lake",
			Prefix:                           "country=!{partitionKeyFromQuery:country}/day=!{timestamp:yyyy-MM-dd}/",
			ErrorOutputPrefix:                "errors/!{firehose:error-output-type}/",
			BufferingHints:                   &firehose.BufferingHints{SizeInMBs: new(64), IntervalInSeconds: new(60)},
			DynamicPartitioningConfiguration: &firehose.DynamicPartitioningConfiguration{Enabled: true},
			ProcessingConfiguration: &firehose.ProcessingConfiguration{Enabled: true, Processors: []firehose.Processor{
				{Type: firehose.ProcessorLambda, Parameters: []firehose.ProcessorParameter{
					{ParameterName: firehose.ParamLambdaArn, ParameterValue: lambda}}},
				{Type: firehose.ProcessorMetadataExtraction, Parameters: []firehose.ProcessorParameter{
					{ParameterName: firehose.ParamMetadataExtractionQuery, ParameterValue: "{country: .country}"},
					{ParameterName: firehose.ParamJsonParsingEngine, ParameterValue: "JQ-1.6"}}},
				{Type: firehose.ProcessorAppendDelimiterToRecord},
			}},
		},
	})
	if err != nil {
		return err
	}
	logf("created delivery stream %s reading it from LATEST", created.DeliveryStreamARN)

	entries := []stream.PutRecordsRequestEntry{}
	for i, c := range clicks[:3] {
		entries = append(entries, stream.PutRecordsRequestEntry{PartitionKey: fmt.Sprint("click-", i), Data: []byte(c)})
	}
	var agg [][]byte
	for _, c := range clicks[3:] {
		agg = append(agg, []byte(c))
	}
	entries = append(entries, stream.PutRecordsRequestEntry{PartitionKey: "kpl", Data: firehose.AggregateKPL("kpl", agg...)})
	if _, err := src.PutRecords(ctx, stream.PutRecordsInput{Records: entries}); err != nil {
		return err
	}
	logf("put %d Kinesis records holding %d clicks (the last %d aggregated by the KPL)", len(entries), len(clicks), len(agg))

	// The Lambda processor buffers for 60 s (its BufferIntervalInSeconds),
	// then the destination buffer for its own 60 s.
	mock.Add(60 * time.Second)
	select {
	case <-allSeen:
	case <-ctx.Done():
		return fmt.Errorf("the transform did not see every click: %w", ctx.Err())
	}
	logf("the Lambda processor's buffer flushed: the transform saw all %d clicks", len(clicks))

	mock.Add(60 * time.Second)
	for range 3 {
		select {
		case <-out.written:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the objects: %w", ctx.Err())
		}
	}
	logf("the buffers' interval ended; the directory holds:")
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(w, "  %s\n", filepath.ToSlash(rel))
		for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
			if strings.HasPrefix(rel, "errors") {
				var e struct {
					ErrorCode string `json:"errorCode"`
					RawData   []byte `json:"rawData"`
				}
				_ = json.Unmarshal([]byte(line), &e)
				line = fmt.Sprintf("%s: %s", e.ErrorCode, e.RawData)
			}
			fmt.Fprintf(w, "    %s\n", line)
		}
		return nil
	})
}
