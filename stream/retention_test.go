package stream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestRetentionPeriodRules(t *testing.T) {
	e := newEnv(t)
	s := e.create("ret", 1)
	in := func(h int) stream.RetentionPeriodInput {
		return stream.RetentionPeriodInput{StreamName: "ret", RetentionPeriodHours: h}
	}
	wantErr(t, e.svc.IncreaseStreamRetentionPeriod(e.ctx, in(8761)), stream.ErrInvalidArgumentException, "")
	wantErr(t, e.svc.DecreaseStreamRetentionPeriod(e.ctx, in(23)), stream.ErrInvalidArgumentException,
		"Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")
	if err := e.svc.IncreaseStreamRetentionPeriod(e.ctx, in(24)); err != nil {
		t.Fatalf("equal value: %v", err)
	}
	if err := e.svc.IncreaseStreamRetentionPeriod(e.ctx, in(8760)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.IncreaseStreamRetentionPeriod(e.ctx, in(25)), stream.ErrInvalidArgumentException,
		"Requested retention period (25 hours) for stream ret can not be shorter than existing retention period (8760 hours). Use DecreaseRetentionPeriod API.")
	if err := e.svc.DecreaseStreamRetentionPeriod(e.ctx, in(48)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.DecreaseStreamRetentionPeriod(e.ctx, in(72)), stream.ErrInvalidArgumentException,
		"Requested retention period (72 hours) for stream ret can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.")
	if h := e.summary(s).RetentionPeriodHours; h != 48 {
		t.Fatalf("RetentionPeriodHours = %d", h)
	}
}

func TestRetentionTrims(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("trim", 1)
	e.put(s, "k", "old")
	e.clock.Add(12 * time.Hour)
	e.put(s, "k", "mid")
	held := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	e.clock.Add(12 * time.Hour) // "old" is now exactly 24 h old: gone
	if got := data(e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")).Records); strings.Join(got, ",") != "mid" {
		t.Fatalf("after 24 h: %v", got)
	}
	_ = held
	// Raising retention does not bring it back.
	if err := e.svc.IncreaseStreamRetentionPeriod(e.ctx, stream.RetentionPeriodInput{StreamName: "trim", RetentionPeriodHours: 100}); err != nil {
		t.Fatal(err)
	}
	if got := data(e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")).Records); strings.Join(got, ",") != "mid" {
		t.Fatalf("after raising retention: %v", got)
	}
	// Lowering it trims at once.
	e.clock.Add(48 * time.Hour)
	e.put(s, "k", "new")
	if err := e.svc.DecreaseStreamRetentionPeriod(e.ctx, stream.RetentionPeriodInput{StreamName: "trim", RetentionPeriodHours: 24}); err != nil {
		t.Fatal(err)
	}
	if got := data(e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")).Records); strings.Join(got, ",") != "new" {
		t.Fatalf("after lowering retention: %v", got)
	}
}

func TestExpiredClosedShardsLeave(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("exp", 1)
	e.put(s, "k", "x")
	if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "exp", ShardToSplit: shardID(0), NewStartingHashKey: half}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(23 * time.Hour)
	if got := ids(e.shards(s)); got != "0,1,2" {
		t.Fatalf("before expiry: %s", got)
	}
	e.clock.Add(time.Hour)
	if got := ids(e.shards(s)); got != "1,2" {
		t.Fatalf("after expiry: %s", got)
	}
	_, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.TrimHorizon})
	wantErr(t, err, stream.ErrResourceNotFoundException, "")
}
