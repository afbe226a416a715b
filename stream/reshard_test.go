package stream_test

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

const half = "170141183460469231731687303715884105728" // 2^127

func TestSplitShard(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("split", 1)
	before := e.put(s, "a", "before")
	for _, tc := range []struct {
		key      string
		sentinel *stream.Error
		msg      string
	}{
		{"0", stream.ErrInvalidArgumentException, ""},
		{"1", stream.ErrInvalidArgumentException,
			"NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream split under account 123456789012 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 340282366920938463463374607431768211455."},
		{"340282366920938463463374607431768211455", stream.ErrInvalidArgumentException, ""},
		{"x", stream.ErrValidationException, ""},
	} {
		err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "split", ShardToSplit: shardID(0), NewStartingHashKey: tc.key})
		wantErr(t, err, tc.sentinel, tc.msg)
	}
	if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "split", ShardToSplit: shardID(0), NewStartingHashKey: "2"}); err != nil {
		t.Fatalf("split at 2: %v", err)
	}
	shards := e.shards(s)
	if len(shards) != 3 {
		t.Fatalf("%d shards", len(shards))
	}
	p, l, r := shards[0], shards[1], shards[2]
	if p.SequenceNumberRange.EndingSequenceNumber == "" || l.ParentShardId != p.ShardId || r.ParentShardId != p.ShardId ||
		l.HashKeyRange != (stream.HashKeyRange{StartingHashKey: "0", EndingHashKey: "1"}) ||
		r.HashKeyRange.StartingHashKey != "2" || r.HashKeyRange.EndingHashKey != "340282366920938463463374607431768211455" {
		t.Fatalf("after split: %+v", shards)
	}
	err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "split", ShardToSplit: shardID(0), NewStartingHashKey: half})
	wantErr(t, err, stream.ErrInvalidArgumentException,
		"Shard shardId-000000000000 in stream split under account 123456789012 has already been merged or split, and thus is not eligible for merging or splitting.")
	// New writes go to the child; the parent's record is still read from it.
	if got := e.put(s, "a", "after").ShardId; got != r.ShardId {
		t.Fatalf("after split, key a went to %s", got)
	}
	out := e.get(s, e.iterator(s, p.ShardId, stream.TrimHorizon, ""))
	if strings.Join(data(out.Records), ",") != "before" || out.NextShardIterator != "" || len(out.ChildShards) != 2 {
		t.Fatalf("parent read = %v next %q children %+v", data(out.Records), out.NextShardIterator, out.ChildShards)
	}
	if c := out.ChildShards[1]; c.ShardId != r.ShardId || len(c.ParentShards) != 1 || c.ParentShards[0] != p.ShardId || c.HashKeyRange != r.HashKeyRange {
		t.Fatalf("child = %+v", c)
	}
	_ = before
}

func TestMergeShards(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("merge", 3)
	err := e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "merge", ShardToMerge: shardID(1), AdjacentShardToMerge: shardID(0)})
	wantErr(t, err, stream.ErrInvalidArgumentException,
		"Shards shardId-000000000001 and shardId-000000000000 in stream merge under account 123456789012 are not an adjacent pair of shards eligible for merging")
	err = e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "merge", ShardToMerge: shardID(0), AdjacentShardToMerge: shardID(2)})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
	err = e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "merge", ShardToMerge: shardID(0), AdjacentShardToMerge: "shardId-9"})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Could not find shard shardId-000000000009 in stream merge under account 123456789012.")
	if err := e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "merge", ShardToMerge: shardID(0), AdjacentShardToMerge: shardID(1)}); err != nil {
		t.Fatal(err)
	}
	shards := e.shards(s)
	c := shards[3]
	if c.ShardId != shardID(3) || c.ParentShardId != shardID(0) || c.AdjacentParentShardId != shardID(1) ||
		c.HashKeyRange.StartingHashKey != "0" || c.HashKeyRange.EndingHashKey != shards[1].HashKeyRange.EndingHashKey {
		t.Fatalf("merged child = %+v", c)
	}
	out := e.get(s, e.iterator(s, shardID(1), stream.TrimHorizon, ""))
	if out.NextShardIterator != "" || len(out.ChildShards) != 1 || strings.Join(out.ChildShards[0].ParentShards, ",") != shardID(0)+","+shardID(1) {
		t.Fatalf("end of merged parent: %+v", out)
	}
}

func TestReshardingIsUpdating(t *testing.T) {
	e := newEnv(t, stream.WithTransitionDelay(30*time.Second), stream.WithThrottling(false))
	s := e.create("upd", 2)
	e.clock.Add(30 * time.Second)
	if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "upd", ShardToSplit: shardID(0), NewStartingHashKey: "1000"}); err != nil {
		t.Fatal(err)
	}
	if st := e.summary(s).StreamStatus; st != stream.StreamStatusUpdating {
		t.Fatalf("status %s, want UPDATING", st)
	}
	err := e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "upd", ShardToMerge: shardID(0), AdjacentShardToMerge: shardID(1)})
	wantErr(t, err, stream.ErrResourceInUseException, "Stream upd under account 123456789012 not ACTIVE, instead in state UPDATING")
	_, err = e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "upd", TargetShardCount: 3, ScalingType: stream.UniformScaling})
	wantErr(t, err, stream.ErrResourceInUseException, "")
	// Reads and writes go on; until the split is done, shard 0 takes them.
	if got := e.put(s, "a", "during").ShardId; got != shardID(0) {
		t.Fatalf("during UPDATING, a went to %s", got)
	}
	e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, ""))
	e.clock.Add(30 * time.Second)
	if st := e.summary(s).StreamStatus; st != stream.StreamStatusActive || len(e.shards(s)) != 4 {
		t.Fatalf("status %s with %d shards", st, len(e.shards(s)))
	}
}

// openRanges returns the open shards' ranges, checking that they partition
// the key space.
func openRanges(t *testing.T, shards []stream.Shard) []stream.HashKeyRange {
	t.Helper()
	var open []stream.HashKeyRange
	for _, sh := range shards {
		if sh.SequenceNumberRange.EndingSequenceNumber == "" {
			open = append(open, sh.HashKeyRange)
		}
	}
	next := big.NewInt(0)
	for _, r := range sortRanges(open) {
		start, _ := new(big.Int).SetString(r.StartingHashKey, 10)
		end, _ := new(big.Int).SetString(r.EndingHashKey, 10)
		if start.Cmp(next) != 0 || end.Cmp(start) < 0 {
			t.Fatalf("open ranges do not partition the key space: %+v", open)
		}
		next = end.Add(end, big.NewInt(1))
	}
	if next.Cmp(new(big.Int).Lsh(big.NewInt(1), 128)) != 0 {
		t.Fatalf("open ranges end at %s", next)
	}
	return open
}

func sortRanges(rs []stream.HashKeyRange) []stream.HashKeyRange {
	out := append([]stream.HashKeyRange(nil), rs...)
	key := func(r stream.HashKeyRange) *big.Int { v, _ := new(big.Int).SetString(r.StartingHashKey, 10); return v }
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && key(out[j]).Cmp(key(out[j-1])) < 0; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestUpdateShardCount(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("usc", 4)
	for _, tc := range []struct {
		target   int
		typ      stream.ScalingType
		sentinel *stream.Error
	}{
		{9, stream.UniformScaling, stream.ErrLimitExceededException},
		{1, stream.UniformScaling, stream.ErrLimitExceededException},
		{0, stream.UniformScaling, stream.ErrValidationException},
		{4, "OTHER", stream.ErrValidationException},
	} {
		_, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "usc", TargetShardCount: tc.target, ScalingType: tc.typ})
		wantErr(t, err, tc.sentinel, "")
	}
	for i, target := range []int{7, 5, 10, 5, 3, 6, 12, 24, 13, 7} {
		out, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamARN: s.ARN(), TargetShardCount: target, ScalingType: stream.UniformScaling})
		if err != nil {
			t.Fatalf("scaling %d to %d: %v", i, target, err)
		}
		if out.TargetShardCount != target {
			t.Fatalf("output %+v", out)
		}
		open := openRanges(t, e.shards(s))
		if len(open) != target {
			t.Fatalf("%d open shards, want %d", len(open), target)
		}
		// Equal-size ranges: the partition CreateStream makes.
		fresh := e.create("ref"+string(rune('a'+i)), target)
		want := openRanges(t, e.shards(fresh))
		got := sortRanges(open)
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("scaled to %d: range %d = %+v, want %+v", target, j, got[j], want[j])
			}
		}
		e.clock.Add(time.Hour)
	}
	_, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "usc", TargetShardCount: 8, ScalingType: stream.UniformScaling})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	e.clock.Add(15 * time.Hour)
	if _, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "usc", TargetShardCount: 8, ScalingType: stream.UniformScaling}); err != nil {
		t.Fatalf("after the 24-hour window: %v", err)
	}
}

func TestShardLimitOnReshard(t *testing.T) {
	e := newEnv(t, stream.WithShardLimit(3), stream.WithThrottling(false))
	e.create("lim", 3)
	err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "lim", ShardToSplit: shardID(0), NewStartingHashKey: "1000"})
	wantErr(t, err, stream.ErrLimitExceededException, "")
	if err := e.svc.MergeShards(e.ctx, stream.MergeShardsInput{StreamName: "lim", ShardToMerge: shardID(0), AdjacentShardToMerge: shardID(1)}); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateShardCountMessages(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	e.create("msg", 4)
	_, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "msg", TargetShardCount: 9, ScalingType: stream.UniformScaling})
	wantErr(t, err, stream.ErrLimitExceededException,
		"UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4 Target shard count: 9")
	_, err = e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "msg", TargetShardCount: 1, ScalingType: stream.UniformScaling})
	wantErr(t, err, stream.ErrLimitExceededException,
		"UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4 Target shard count: 1")
}
