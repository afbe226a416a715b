package stream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func ids(shards []stream.Shard) string {
	var out []string
	for _, s := range shards {
		out = append(out, strings.TrimPrefix(s.ShardId, "shardId-00000000000"))
	}
	return strings.Join(out, ",")
}

func TestListShardsFilters(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("ls", 2) // 0, 1
	e.clock.Add(time.Hour)
	splitAt := e.clock.Now()
	if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "ls", ShardToSplit: shardID(0), NewStartingHashKey: "1000"}); err != nil {
		t.Fatal(err) // 2, 3
	}
	e.clock.Add(time.Hour)
	list := func(in stream.ListShardsInput) string {
		t.Helper()
		in.StreamName = "ls"
		out, err := e.svc.ListShards(e.ctx, in)
		if err != nil {
			t.Fatalf("ListShards(%+v): %v", in.ShardFilter, err)
		}
		return ids(out.Shards)
	}
	before, after := splitAt.Add(-time.Minute), splitAt.Add(time.Minute)
	for _, tc := range []struct {
		filter *stream.ShardFilter
		start  string
		want   string
	}{
		{nil, "", "0,1,2,3"},
		{nil, shardID(1), "2,3"},
		{&stream.ShardFilter{Type: stream.FromTrimHorizon}, "", "0,1,2,3"},
		{&stream.ShardFilter{Type: stream.AtTrimHorizon}, "", "0,1"},
		{&stream.ShardFilter{Type: stream.AtLatest}, "", "1,2,3"},
		{&stream.ShardFilter{Type: stream.AfterShardId, ShardId: shardID(1)}, "", "2,3"},
		{&stream.ShardFilter{Type: stream.AtTimestampFilter, Timestamp: &before}, "", "0,1"},
		{&stream.ShardFilter{Type: stream.AtTimestampFilter, Timestamp: &after}, "", "1,2,3"},
		{&stream.ShardFilter{Type: stream.FromTimestamp, Timestamp: &before}, "", "0,1,2,3"},
		{&stream.ShardFilter{Type: stream.FromTimestamp, Timestamp: &after}, "", "1,2,3"},
	} {
		if got := list(stream.ListShardsInput{ShardFilter: tc.filter, ExclusiveStartShardId: tc.start}); got != tc.want {
			t.Errorf("filter %+v start %q: %s, want %s", tc.filter, tc.start, got, tc.want)
		}
	}
	_ = s
}

func TestListShardsPaging(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	e.create("pg", 5)
	out, err := e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "pg", MaxResults: new(2)})
	if err != nil || ids(out.Shards) != "0,1" || out.NextToken == "" {
		t.Fatalf("page 1 = %s %q %v", ids(out.Shards), out.NextToken, err)
	}
	tok := out.NextToken
	out, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{NextToken: tok, MaxResults: new(2)})
	if err != nil || ids(out.Shards) != "2,3" {
		t.Fatalf("page 2 = %s %v", ids(out.Shards), err)
	}
	out, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{NextToken: out.NextToken})
	if err != nil || ids(out.Shards) != "4" || out.NextToken != "" {
		t.Fatalf("page 3 = %s %q %v", ids(out.Shards), out.NextToken, err)
	}
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "pg", NextToken: tok})
	wantErr(t, err, stream.ErrInvalidArgumentException, "NextToken and StreamName cannot be provided together.")
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{})
	wantErr(t, err, stream.ErrInvalidArgumentException, "Either NextToken or StreamName should be provided.")
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{NextToken: tok[:len(tok)-2] + "AA"})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "pg", MaxResults: new(0)})
	wantErr(t, err, stream.ErrValidationException, "")
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "pg", ShardFilter: &stream.ShardFilter{Type: stream.AfterShardId}})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
	e.clock.Add(300*time.Second + time.Millisecond)
	_, err = e.svc.ListShards(e.ctx, stream.ListShardsInput{NextToken: tok})
	wantErr(t, err, stream.ErrExpiredNextTokenException, "")
}
