package stream_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sluicehq/sluice/stream"
)

// TestConcurrentUse drives one stream from several goroutines at once (puts,
// reads, resharding, listing, consumers) for the race detector, then checks
// nothing was lost.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("conc", 2)
	const writers, perWriter = 4, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if _, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: fmt.Sprint("w", w, "-", i%7), Data: []byte(fmt.Sprint(w, ":", i))}); err != nil {
					t.Errorf("PutRecord: %v", err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			it, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.TrimHorizon})
			if err != nil {
				t.Errorf("GetShardIterator: %v", err)
				return
			}
			if _, err := e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator}); err != nil {
				t.Errorf("GetRecords: %v", err)
				return
			}
		}
	})
	wg.Go(func() {
		if _, err := e.svc.UpdateShardCount(e.ctx, stream.UpdateShardCountInput{StreamName: "conc", TargetShardCount: 3, ScalingType: stream.UniformScaling}); err != nil {
			t.Errorf("UpdateShardCount: %v", err)
		}
		for range 20 {
			if _, err := e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "conc"}); err != nil {
				t.Errorf("ListShards: %v", err)
			}
			if _, err := e.svc.DescribeLimits(e.ctx); err != nil {
				t.Errorf("DescribeLimits: %v", err)
			}
		}
	})
	wg.Go(func() {
		c, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: "c"})
		if err != nil {
			t.Errorf("RegisterStreamConsumer: %v", err)
			return
		}
		sub, err := e.svc.SubscribeToShard(e.ctx, stream.SubscribeToShardInput{ConsumerARN: c.Consumer.ConsumerARN, ShardId: shardID(1),
			StartingPosition: stream.StartingPosition{Type: stream.TrimHorizon}})
		if err != nil {
			t.Errorf("SubscribeToShard: %v", err)
			return
		}
		for range 5 {
			if _, err := sub.Next(e.ctx); err != nil {
				return // the shard may close under it
			}
		}
		sub.Close()
	})
	wg.Wait()
	total := 0
	for _, sh := range e.shards(s) {
		it := e.iterator(s, sh.ShardId, stream.TrimHorizon, "")
		for it != "" {
			out := e.get(s, it)
			total += len(out.Records)
			if len(out.Records) == 0 && out.NextShardIterator != "" {
				break
			}
			it = out.NextShardIterator
		}
	}
	if total != writers*perWriter {
		t.Fatalf("read %d records, want %d", total, writers*perWriter)
	}
}

func TestConsumerTagsAndPolicy(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("ct", 1)
	c := register(t, e, s, "app")
	if err := e.svc.TagResource(e.ctx, stream.TagResourceInput{ResourceARN: c.ConsumerARN, Tags: map[string]string{"owner": "me"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.svc.ListTagsForResource(e.ctx, stream.ListTagsForResourceInput{ResourceARN: c.ConsumerARN})
	if err != nil || len(out.Tags) != 1 || out.Tags[0].Value != "me" {
		t.Fatalf("consumer tags = %+v, %v", out, err)
	}
	if st, _ := e.svc.ListTagsForResource(e.ctx, stream.ListTagsForResourceInput{ResourceARN: s.ARN()}); len(st.Tags) != 0 {
		t.Fatalf("stream got the consumer's tags: %+v", st)
	}
	if err := e.svc.PutResourcePolicy(e.ctx, stream.PutResourcePolicyInput{ResourceARN: c.ConsumerARN, Policy: "{}"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.ListTagsForResource(e.ctx, stream.ListTagsForResourceInput{ResourceARN: c.ConsumerARN + "9"})
	wantErr(t, err, stream.ErrResourceNotFoundException, "")
}
