package stream_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// TestStreamModel runs random sequences of puts, reads from random
// iterators, splits, merges, UpdateShardCount, retention changes and clock
// advances on one stream, and checks it against a plain model: the list of
// records put, with their arrival times, and the trim horizon. The check
// action drains every shard in shard-id order (children always have higher
// ids than their parents, so parents are drained first) and asserts that
//
//   - the open shards partition [0, 2^128) exactly;
//   - every record still within retention is read exactly once, and no
//     other record is;
//   - each partition key's records come in put order, across resharding;
//   - sequence numbers strictly increase within each shard.
//
// Each check runs in a synctest bubble only because the mock clock's Add
// pauses for a real millisecond, which costs nothing there.
func TestStreamModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rapid.SyncTest(t, func(t *rapid.T) {
			m := newSM(t)
			defer m.svc.Close()
			t.Repeat(map[string]func(*rapid.T){
				"put":              m.put,
				"putRecords":       m.putRecords,
				"get":              m.get,
				"split":            m.split,
				"merge":            m.merge,
				"updateShardCount": m.updateShardCount,
				"retention":        m.setRetention,
				"advance":          m.advance,
				"":                 m.check,
			})
		})
	})
}

// smRecord is one record put, as the model sees it.
type smRecord struct {
	id      int // put order
	key     string
	arrival time.Time
	seq     string
	shard   string
}

type smMachine struct {
	ctx     context.Context
	clock   *clock.Mock
	svc     *stream.Service
	s       *stream.Stream
	records []*smRecord
	byData  map[string]*smRecord
	ret     time.Duration
	horizon time.Time
}

func newSM(t *rapid.T) *smMachine {
	mock := clock.NewMock()
	mock.Set(epoch)
	svc := stream.New(stream.WithClock(mock), stream.WithThrottling(false))
	m := &smMachine{ctx: context.Background(), clock: mock, svc: svc, byData: map[string]*smRecord{}, ret: 24 * time.Hour}
	n := rapid.IntRange(1, 4).Draw(t, "shards")
	s, err := svc.CreateStream(m.ctx, stream.CreateStreamInput{StreamName: "model", ShardCount: &n})
	if err != nil {
		t.Fatal(err)
	}
	m.s = s
	return m
}

// tick moves the model's trim horizon to the clock, as every operation
// does.
func (m *smMachine) tick() {
	if h := m.clock.Now().Add(-m.ret); h.After(m.horizon) {
		m.horizon = h
	}
}

func (m *smMachine) alive(r *smRecord) bool { return r.arrival.After(m.horizon) }

var smKeys = []string{"a", "b", "c", "d", "e", "f", "g", "h"}

func (m *smMachine) newRecord(t *rapid.T) *smRecord {
	r := &smRecord{id: len(m.records), key: rapid.SampledFrom(smKeys).Draw(t, "key"), arrival: m.clock.Now()}
	m.records = append(m.records, r)
	m.byData[strconv.Itoa(r.id)] = r
	return r
}

func (m *smMachine) put(t *rapid.T) {
	m.tick()
	r := m.newRecord(t)
	out, err := m.s.PutRecord(m.ctx, stream.PutRecordInput{PartitionKey: r.key, Data: []byte(strconv.Itoa(r.id))})
	if err != nil {
		t.Fatalf("PutRecord: %v", err)
	}
	r.seq, r.shard = out.SequenceNumber, out.ShardId
}

func (m *smMachine) putRecords(t *rapid.T) {
	m.tick()
	n := rapid.IntRange(1, 20).Draw(t, "n")
	var in stream.PutRecordsInput
	var recs []*smRecord
	for range n {
		r := m.newRecord(t)
		recs = append(recs, r)
		in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: r.key, Data: []byte(strconv.Itoa(r.id))})
	}
	out, err := m.s.PutRecords(m.ctx, in)
	if err != nil || out.FailedRecordCount != 0 || len(out.Records) != n {
		t.Fatalf("PutRecords: %+v, %v", out, err)
	}
	for i, r := range recs {
		r.seq, r.shard = out.Records[i].SequenceNumber, out.Records[i].ShardId
	}
}

// shardRecords returns the model's live records of a shard, in put order.
func (m *smMachine) shardRecords(id string) []*smRecord {
	var out []*smRecord
	for _, r := range m.records {
		if r.shard == id && m.alive(r) {
			out = append(out, r)
		}
	}
	return out
}

func (m *smMachine) listShards(t *rapid.T, filter *stream.ShardFilter) []stream.Shard {
	out, err := m.svc.ListShards(m.ctx, stream.ListShardsInput{StreamName: "model", ShardFilter: filter})
	if err != nil {
		t.Fatalf("ListShards: %v", err)
	}
	return out.Shards
}

// get reads one page from a random iterator on a random shard and checks it
// is the run of the shard's live records the iterator names.
func (m *smMachine) get(t *rapid.T) {
	m.tick()
	shards := m.listShards(t, nil)
	sh := rapid.SampledFrom(shards).Draw(t, "shard")
	live := m.shardRecords(sh.ShardId)
	in := stream.GetShardIteratorInput{ShardId: sh.ShardId}
	var want []*smRecord
	switch rapid.IntRange(0, 4).Draw(t, "type") {
	case 0:
		in.ShardIteratorType = stream.TrimHorizon
		want = live
	case 1:
		in.ShardIteratorType = stream.Latest
	case 2, 3:
		if len(live) == 0 {
			return
		}
		i := rapid.IntRange(0, len(live)-1).Draw(t, "at")
		in.StartingSequenceNumber = live[i].seq
		in.ShardIteratorType = stream.AtSequenceNumber
		want = live[i:]
		if rapid.Bool().Draw(t, "after") {
			in.ShardIteratorType = stream.AfterSequenceNumber
			want = live[i+1:]
		}
	case 4:
		at := m.clock.Now().Add(-time.Duration(rapid.IntRange(0, 48*3600).Draw(t, "ago")) * time.Second)
		in.ShardIteratorType, in.Timestamp = stream.AtTimestamp, &at
		for i, r := range live {
			if !r.arrival.Before(at) {
				want = live[i:]
				break
			}
		}
	}
	it, err := m.s.GetShardIterator(m.ctx, in)
	if err != nil {
		t.Fatalf("GetShardIterator(%+v): %v", in, err)
	}
	limit := rapid.IntRange(1, 50).Draw(t, "limit")
	out, err := m.s.GetRecords(m.ctx, stream.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: &limit})
	if err != nil {
		t.Fatalf("GetRecords: %v", err)
	}
	want = want[:min(limit, len(want))]
	if len(out.Records) != len(want) {
		t.Fatalf("%s %s: %d records, want %d", sh.ShardId, in.ShardIteratorType, len(out.Records), len(want))
	}
	for i, r := range out.Records {
		if r.SequenceNumber != want[i].seq || string(r.Data) != strconv.Itoa(want[i].id) || r.PartitionKey != want[i].key {
			t.Fatalf("record %d = %s %q, want %s %d", i, r.SequenceNumber, r.Data, want[i].seq, want[i].id)
		}
	}
}

func (m *smMachine) openShards(t *rapid.T) []stream.Shard {
	open := m.listShards(t, &stream.ShardFilter{Type: stream.AtLatest})
	slices.SortFunc(open, func(a, b stream.Shard) int {
		return bigKey(a.HashKeyRange.StartingHashKey).Cmp(bigKey(b.HashKeyRange.StartingHashKey))
	})
	return open
}

func bigKey(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

func (m *smMachine) split(t *rapid.T) {
	m.tick()
	open := m.openShards(t)
	if len(open) >= 12 {
		return
	}
	sh := rapid.SampledFrom(open).Draw(t, "shard")
	start, end := bigKey(sh.HashKeyRange.StartingHashKey), bigKey(sh.HashKeyRange.EndingHashKey)
	width := new(big.Int).Sub(end, start)
	if width.Cmp(big.NewInt(4)) < 0 {
		return
	}
	// k in [start+2, end-1], at a drawn fraction of the range.
	frac := rapid.IntRange(1, 999).Draw(t, "frac")
	k := new(big.Int).Mul(width, big.NewInt(int64(frac)))
	k.Div(k, big.NewInt(1000)).Add(k, start)
	if k.Cmp(new(big.Int).Add(start, big.NewInt(2))) < 0 || k.Cmp(end) >= 0 {
		return
	}
	if err := m.svc.SplitShard(m.ctx, stream.SplitShardInput{StreamName: "model", ShardToSplit: sh.ShardId, NewStartingHashKey: k.String()}); err != nil {
		t.Fatalf("SplitShard(%s at %s): %v", sh.ShardId, k, err)
	}
}

func (m *smMachine) merge(t *rapid.T) {
	m.tick()
	open := m.openShards(t)
	if len(open) < 2 {
		return
	}
	i := rapid.IntRange(0, len(open)-2).Draw(t, "pair")
	if err := m.svc.MergeShards(m.ctx, stream.MergeShardsInput{StreamName: "model", ShardToMerge: open[i].ShardId, AdjacentShardToMerge: open[i+1].ShardId}); err != nil {
		t.Fatalf("MergeShards(%s, %s): %v", open[i].ShardId, open[i+1].ShardId, err)
	}
}

func (m *smMachine) updateShardCount(t *rapid.T) {
	m.tick()
	n := len(m.openShards(t))
	target := rapid.IntRange((n+1)/2, min(2*n, 12)).Draw(t, "target")
	_, err := m.svc.UpdateShardCount(m.ctx, stream.UpdateShardCountInput{StreamName: "model", TargetShardCount: target, ScalingType: stream.UniformScaling})
	if errors.Is(err, stream.ErrLimitExceededException) {
		return // ten in 24 hours
	}
	if err != nil {
		t.Fatalf("UpdateShardCount(%d -> %d): %v", n, target, err)
	}
	if got := len(m.openShards(t)); got != target {
		t.Fatalf("UpdateShardCount(%d): %d open", target, got)
	}
}

func (m *smMachine) setRetention(t *rapid.T) {
	m.tick()
	h := rapid.IntRange(24, 72).Draw(t, "hours")
	in := stream.RetentionPeriodInput{StreamName: "model", RetentionPeriodHours: h}
	var err error
	if time.Duration(h)*time.Hour >= m.ret {
		err = m.svc.IncreaseStreamRetentionPeriod(m.ctx, in)
	} else {
		err = m.svc.DecreaseStreamRetentionPeriod(m.ctx, in)
	}
	if err != nil {
		t.Fatalf("retention %d h: %v", h, err)
	}
	m.ret = time.Duration(h) * time.Hour
	m.tick()
}

func (m *smMachine) advance(t *rapid.T) {
	d := time.Duration(rapid.IntRange(0, 30*3600).Draw(t, "seconds")) * time.Second
	m.clock.Add(d)
}

// check drains every shard parents first and checks the invariants.
func (m *smMachine) check(t *rapid.T) {
	m.tick()
	open := m.openShards(t)
	next := big.NewInt(0)
	for _, sh := range open {
		if bigKey(sh.HashKeyRange.StartingHashKey).Cmp(next) != 0 {
			t.Fatalf("open shards do not partition the key space: %+v", open)
		}
		next = bigKey(sh.HashKeyRange.EndingHashKey)
		next.Add(next, big.NewInt(1))
	}
	if next.Cmp(new(big.Int).Lsh(big.NewInt(1), 128)) != 0 {
		t.Fatalf("open shards end at %s", next)
	}
	all := m.listShards(t, nil)
	m.checkLineage(t, all)
	seen := map[int]bool{}
	lastByKey := map[string]int{}
	for _, sh := range all {
		it, err := m.s.GetShardIterator(m.ctx, stream.GetShardIteratorInput{ShardId: sh.ShardId, ShardIteratorType: stream.TrimHorizon})
		if err != nil {
			t.Fatalf("GetShardIterator(%s): %v", sh.ShardId, err)
		}
		iter, prevSeq := it.ShardIterator, ""
		for iter != "" {
			out, err := m.s.GetRecords(m.ctx, stream.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("GetRecords(%s): %v", sh.ShardId, err)
			}
			for _, rec := range out.Records {
				r := m.byData[string(rec.Data)]
				switch {
				case r == nil:
					t.Fatalf("unknown record %q", rec.Data)
				case seen[r.id]:
					t.Fatalf("record %d read twice", r.id)
				case !m.alive(r):
					t.Fatalf("record %d read after retention (arrived %v, horizon %v)", r.id, r.arrival, m.horizon)
				case r.shard != sh.ShardId || r.seq != rec.SequenceNumber:
					t.Fatalf("record %d read from %s %s, put to %s %s", r.id, sh.ShardId, rec.SequenceNumber, r.shard, r.seq)
				}
				if last, ok := lastByKey[r.key]; ok && last > r.id {
					t.Fatalf("key %s: record %d after %d", r.key, r.id, last)
				}
				if prevSeq != "" {
					if c, _ := stream.CompareSequenceNumbers(prevSeq, rec.SequenceNumber); c >= 0 {
						t.Fatalf("%s: sequence %s after %s", sh.ShardId, rec.SequenceNumber, prevSeq)
					}
				}
				prevSeq = rec.SequenceNumber
				seen[r.id], lastByKey[r.key] = true, r.id
			}
			if len(out.Records) == 0 && out.NextShardIterator != "" {
				break // caught up with an open shard
			}
			iter = out.NextShardIterator
		}
	}
	for _, r := range m.records {
		if m.alive(r) && !seen[r.id] {
			t.Fatalf("record %d (%s on %s) never read", r.id, r.key, r.shard)
		}
	}
}

// checkLineage checks every listed child against its listed parents: the
// parents are closed, a split child lies inside its parent, a merged child
// is exactly the union of two adjacent parents, and the child's sequence
// numbers start above the parents' end.
func (m *smMachine) checkLineage(t *rapid.T, all []stream.Shard) {
	byID := map[string]stream.Shard{}
	for _, sh := range all {
		byID[sh.ShardId] = sh
	}
	for _, c := range all {
		p, ok := byID[c.ParentShardId]
		if !ok {
			continue // no parent, or it expired
		}
		end := p.SequenceNumberRange.EndingSequenceNumber
		if end == "" {
			t.Fatalf("%s has an open parent %s", c.ShardId, p.ShardId)
		}
		if cmp, _ := stream.CompareSequenceNumbers(end, c.SequenceNumberRange.StartingSequenceNumber); cmp >= 0 {
			t.Fatalf("%s starts at %s, not above parent end %s", c.ShardId, c.SequenceNumberRange.StartingSequenceNumber, end)
		}
		lo, hi := bigKey(p.HashKeyRange.StartingHashKey), bigKey(p.HashKeyRange.EndingHashKey)
		if c.AdjacentParentShardId != "" {
			a, ok := byID[c.AdjacentParentShardId]
			if !ok {
				continue
			}
			if a.SequenceNumberRange.EndingSequenceNumber == "" ||
				bigKey(a.HashKeyRange.StartingHashKey).Cmp(new(big.Int).Add(hi, big.NewInt(1))) != 0 {
				t.Fatalf("%s merges %s and %s, which are not a closed adjacent pair", c.ShardId, p.ShardId, a.ShardId)
			}
			hi = bigKey(a.HashKeyRange.EndingHashKey)
			if bigKey(c.HashKeyRange.StartingHashKey).Cmp(lo) != 0 || bigKey(c.HashKeyRange.EndingHashKey).Cmp(hi) != 0 {
				t.Fatalf("%s is not the union of its parents", c.ShardId)
			}
			continue
		}
		if bigKey(c.HashKeyRange.StartingHashKey).Cmp(lo) < 0 || bigKey(c.HashKeyRange.EndingHashKey).Cmp(hi) > 0 {
			t.Fatalf("%s %+v lies outside its parent %s %+v", c.ShardId, c.HashKeyRange, p.ShardId, p.HashKeyRange)
		}
	}
}

func (r *smRecord) String() string { return fmt.Sprintf("%d:%s@%s", r.id, r.key, r.shard) }
