package stream_test

import (
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/stream"
)

// ReadShard pushes records like SubscribeToShard but registers no
// consumer and outlives the 5-minute subscription lifetime.
func TestReadShard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, stream.WithThrottling(false))
		s := e.create("source", 1)
		e.put(s, "k", "before")
		sub, err := e.svc.ReadShard(e.ctx, stream.ReadShardInput{StreamARN: s.ARN(), ShardId: shardID(0),
			StartingPosition: stream.StartingPosition{Type: stream.Latest}})
		if err != nil {
			t.Fatal(err)
		}
		consumers, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN()})
		if err != nil || len(consumers.Consumers) != 0 {
			t.Fatalf("ListStreamConsumers = %+v, %v; want none", consumers, err)
		}
		if ev, err := sub.Next(e.ctx); err != nil || len(ev.Records) != 0 {
			t.Fatalf("first event from LATEST = %+v, %v", ev, err)
		}
		for range 13 { // past the 5-minute lifetime of a SubscribeToShard
			e.clock.Add(30 * time.Second)
			synctest.Wait()
		}
		ch := goNext(e.ctx, sub)
		for pending(ch) { // heartbeats
			e.clock.Add(5 * time.Second)
			if r := <-ch; r.err != nil {
				t.Fatalf("after 6.5 minutes: %v", r.err)
			}
			ch = goNext(e.ctx, sub)
		}
		e.put(s, "k", "after")
		var got []string
		for len(got) == 0 {
			r := <-ch
			if r.err != nil {
				t.Fatal(r.err)
			}
			got = data(r.ev.Records)
			ch = goNext(e.ctx, sub)
		}
		if strings.Join(got, ",") != "after" {
			t.Fatalf("pushed %v, want [after]", got)
		}

		// It ends after the closed shard's last event.
		if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "source", ShardToSplit: shardID(0), NewStartingHashKey: half}); err != nil {
			t.Fatal(err)
		}
		for {
			r := <-ch
			if r.err != nil {
				t.Fatal(r.err)
			}
			if len(r.ev.ChildShards) > 0 {
				break
			}
			ch = goNext(e.ctx, sub)
		}
		if _, err := sub.Next(e.ctx); err != io.EOF {
			t.Fatalf("after the last event: %v", err)
		}
	})
}

func TestReadShardErrors(t *testing.T) {
	e := newEnv(t)
	s := e.create("source", 1)
	for _, tc := range []struct {
		name     string
		in       stream.ReadShardInput
		sentinel *stream.Error
	}{
		{"unknown stream", stream.ReadShardInput{StreamName: "nope", ShardId: shardID(0), StartingPosition: stream.StartingPosition{Type: stream.Latest}},
			stream.ErrResourceNotFoundException},
		{"unknown shard", stream.ReadShardInput{StreamARN: s.ARN(), ShardId: shardID(7), StartingPosition: stream.StartingPosition{Type: stream.Latest}},
			stream.ErrResourceNotFoundException},
		{"no stream", stream.ReadShardInput{ShardId: shardID(0), StartingPosition: stream.StartingPosition{Type: stream.Latest}},
			stream.ErrInvalidArgumentException},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.ReadShard(e.ctx, tc.in)
			wantErr(t, err, tc.sentinel, "")
		})
	}
}
