package main

import (
	"strings"
	"testing"
)

func TestPipeline(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `[09:00:00] created Kinesis stream arn:aws:kinesis:us-east-1:123456789012:stream/clickstream
[09:00:00] created delivery stream arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks-to-lake reading it from LATEST
[09:00:00] put 4 Kinesis records holding 6 clicks (the last 3 aggregated by the KPL)
[09:01:00] the Lambda processor's buffer flushed: the transform saw all 6 clicks
[09:02:00] the buffers' interval ended; the directory holds:
  country=de/day=2026-11-25/clicks-to-lake-1-2026-11-25-09-00-00-da326578-6654-406c-8b26-2ef6d4e10854
    {"country":"de","page":"/home","section":"home","shard":"shardId-000000000000","user":"ana"}
    {"country":"de","page":"/cart","section":"cart","shard":"shardId-000000000000","user":"eli"}
  country=us/day=2026-11-25/clicks-to-lake-1-2026-11-25-09-00-00-b16d5053-5812-4394-95ff-e29d7d955d11
    {"country":"us","page":"/cart","section":"cart","shard":"shardId-000000000000","user":"bo"}
    {"country":"us","page":"/checkout","section":"checkout","shard":"shardId-000000000000","user":"dee"}
  errors/processing-failed/clicks-to-lake-1-2026-11-25-09-00-00-1a0f84ae-7c0a-4d71-a528-8bb4826f89c2
    Lambda.ProcessingFailedStatus: not json
    DynamicPartitioning.MetadataExtractionFailed: {"page":"/home","section":"home","shard":"shardId-000000000000","user":"cy"}
`
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
