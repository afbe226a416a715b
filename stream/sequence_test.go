package stream_test

import (
	"errors"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

// seqFields decodes a sequence number's layout:
// 2 | shard epoch (9 hex) | index nibble | counter (16) | 00 | record epoch (9) | shard index (8) | 2.
func seqFields(t *testing.T, seq string) (shardEpoch, counter, recordSec, index int64) {
	t.Helper()
	v, ok := new(big.Int).SetString(seq, 10)
	if !ok {
		t.Fatalf("%q is not a number", seq)
	}
	hex := v.Text(16)
	if len(hex) != 47 || hex[0] != '2' || hex[46] != '2' || hex[27:29] != "00" {
		t.Fatalf("%s = %s in hex: not AWS's layout", seq, hex)
	}
	p := func(s string) int64 {
		n, _ := new(big.Int).SetString(s, 16)
		return n.Int64()
	}
	return p(hex[1:10]), p(hex[11:27]), p(hex[29:38]), p(hex[38:46])
}

func TestSequenceNumberLayout(t *testing.T) {
	e := newEnv(t)
	s := e.create("seq", 2)
	e.clock.Add(90 * time.Second)
	out := e.put(s, "a", "x")
	if len(out.SequenceNumber) != 56 {
		t.Fatalf("sequence number %s has %d digits, want 56", out.SequenceNumber, len(out.SequenceNumber))
	}
	shardEpoch, counter, recordSec, index := seqFields(t, out.SequenceNumber)
	if shardEpoch != epoch.Unix() || recordSec != epoch.Unix()+90 || index != 0 || counter != 1 {
		t.Fatalf("fields = epoch %d counter %d record %d index %d", shardEpoch, counter, recordSec, index)
	}
	// Strictly increasing within a shard, as big integers.
	prev := out.SequenceNumber
	for i := range 20 {
		if i%5 == 0 {
			e.clock.Add(time.Second)
		}
		next := e.put(s, "a", "y").SequenceNumber
		if c, ok := stream.CompareSequenceNumbers(prev, next); !ok || c >= 0 {
			t.Fatalf("%s then %s: compare = %d", prev, next, c)
		}
		prev = next
	}
}

// TestStartingSequenceNumbersAcrossShards checks the difference AWS shows
// between neighbouring shards' StartingSequenceNumbers (kinesalite's
// production-run test): 2^144 + 2^4, the shard index in its two places.
func TestStartingSequenceNumbersAcrossShards(t *testing.T) {
	e := newEnv(t)
	shards := e.shards(e.create("three", 3))
	for i := 1; i < 3; i++ {
		a, _ := new(big.Int).SetString(shards[i-1].SequenceNumberRange.StartingSequenceNumber, 10)
		b, _ := new(big.Int).SetString(shards[i].SequenceNumberRange.StartingSequenceNumber, 10)
		if d := b.Sub(b, a).String(); d != "22300745198530623141535718272648361505980432" {
			t.Fatalf("shard %d - shard %d = %s", i, i-1, d)
		}
	}
}

func TestCompareSequenceNumbers(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
		ok   bool
	}{
		{"9", "10", -1, true},
		{"21269319989900637946712965403778482371", "49590338271490256608559692538361571095921575989136588898", -1, true},
		{"5", "5", 0, true},
		{"12", "11", 1, true},
		{"", "1", 0, false},
		{"01", "1", 0, false},
		{"x", "1", 0, false},
	} {
		got, ok := stream.CompareSequenceNumbers(tc.a, tc.b)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Compare(%s, %s) = %d, %v; want %d, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSequenceNumberForOrdering(t *testing.T) {
	e := newEnv(t)
	s := e.create("order", 1)
	first := e.put(s, "k", "1").SequenceNumber
	out, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: []byte("2"), SequenceNumberForOrdering: first})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := stream.CompareSequenceNumbers(first, out.SequenceNumber); c >= 0 {
		t.Fatalf("%s not above %s", out.SequenceNumber, first)
	}
	_, err = s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", SequenceNumberForOrdering: "abc"})
	wantErr(t, err, stream.ErrValidationException, "")
	// The cases kinesalite's tests established against AWS, in hex.
	now := strconv.FormatInt(e.clock.Now().Unix(), 16)
	future := strconv.FormatInt(e.clock.Now().Unix()+2, 16)
	for _, tc := range []struct {
		name, hex string
		sentinel  *stream.Error
	}{
		{"all f", "2ffffffffff7fffffffffffffff000000000007fffffff2", nil},
		{"all 0", "20000000000000000000000000000000000000000000002", nil},
		{"all 0, version 1", "20000000000000000000000000000000000000000000001", nil},
		{"time is now", "2ffffffffff7fffffff7fffffff000" + now + "7fffffff2", nil},
		{"8 near end", "20000000000000000000000000000000000000800000002", nil},
		{"short", "3039", nil},
		{"version 0", "20000000000000000000000000000000000000000000000", stream.ErrInvalidArgumentException},
		{"version 4", "20000000000000000000000000000000000000000000004", stream.ErrInvalidArgumentException},
		{"version 3", "20000000000000000000000000000000000000000000003", stream.ErrInternalFailure},
		{"initial 3", "30000000000000000000000000000000000000000000001", stream.ErrInvalidArgumentException},
		{"initial 1", "1ffffffffff7fffffffffffffff000000000007fffffff2", stream.ErrInvalidArgumentException},
		{"8 in index", "20000000000800000000000000000000000000000000002", stream.ErrInvalidArgumentException},
		{"future time", "200000000000000000000000000000" + future + "000000002", stream.ErrInvalidArgumentException},
		{"large date", "13bb2cc3d80000000000000000000000", stream.ErrInvalidArgumentException},
	} {
		v, _ := new(big.Int).SetString(tc.hex, 16)
		_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "a", SequenceNumberForOrdering: v.String()})
		if tc.sentinel == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.sentinel.Code)
		}
	}
	v, _ := new(big.Int).SetString("13bb2cc3d80000000000000000000000", 16)
	_, err = s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "a", SequenceNumberForOrdering: v.String()})
	wantErr(t, err, stream.ErrInvalidArgumentException,
		"ExclusiveMinimumSequenceNumber 26227199374822427428162556223570313216 used in PutRecord on stream order under account 123456789012 is invalid.")
}

func TestChildSequenceNumbersAboveParents(t *testing.T) {
	e := newEnv(t)
	s := e.create("lineage", 1)
	parent := e.put(s, "a", "p").SequenceNumber
	if err := e.svc.SplitShard(e.ctx, stream.SplitShardInput{StreamName: "lineage", ShardToSplit: shardID(0),
		NewStartingHashKey: "170141183460469231731687303715884105728"}); err != nil {
		t.Fatal(err)
	}
	shards := e.shards(s)
	end := shards[0].SequenceNumberRange.EndingSequenceNumber
	if c, _ := stream.CompareSequenceNumbers(parent, end); c >= 0 {
		t.Fatalf("parent record %s not below its shard's end %s", parent, end)
	}
	_, counter, _, _ := seqFields(t, end)
	if counter != 1<<63-1 {
		t.Fatalf("EndingSequenceNumber counter = %x", counter)
	}
	for _, key := range []string{"a", "b", "c", "d"} {
		child := e.put(s, key, "c").SequenceNumber
		if c, _ := stream.CompareSequenceNumbers(end, child); c >= 0 {
			t.Fatalf("child record %s not above parent end %s", child, end)
		}
	}
}
