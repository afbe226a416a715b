package stream_test

import (
	"crypto/md5"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// fzEnv is newEnv without setting the mock clock, which pauses for a real
// millisecond: fuzzing runs thousands of inputs a second.
func fzEnv(t testing.TB) *env {
	mock := clock.NewMock()
	svc := stream.New(stream.WithClock(mock), stream.WithThrottling(false), stream.WithRand(rand.NewPCG(1, 2)))
	t.Cleanup(func() { svc.Close() })
	return &env{t: t, ctx: t.Context(), clock: mock, svc: svc}
}

var hashKeyPattern = regexp.MustCompile(`^(0|([1-9]\d{0,38}))$`)

// FuzzExplicitHashKey checks ExplicitHashKey against a big.Int reading of
// AWS's rule: the pattern or ValidationException, below 2^128 or
// InvalidArgumentException, else the record lands on the shard whose range
// holds the key.
func FuzzExplicitHashKey(f *testing.F) {
	for _, s := range []string{"0", "1", "340282366920938463463374607431768211455", "340282366920938463463374607431768211456",
		"113427455640312821154458202477256070485", "01", "-1", "", "9999999999999999999999999999999999999999", " 1"} {
		f.Add(s)
	}
	e := fzEnv(f)
	s := e.create("fz", 3)
	shards := e.shards(s)
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	f.Fuzz(func(t *testing.T, key string) {
		out, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "p", ExplicitHashKey: key})
		if key == "" {
			if err != nil {
				t.Fatalf("no ExplicitHashKey: %v", err)
			}
			return
		}
		if !hashKeyPattern.MatchString(key) {
			wantErr(t, err, stream.ErrValidationException, "")
			return
		}
		v, _ := new(big.Int).SetString(key, 10)
		if v.Cmp(space) >= 0 {
			wantErr(t, err, stream.ErrInvalidArgumentException, "")
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		for _, sh := range shards {
			lo, _ := new(big.Int).SetString(sh.HashKeyRange.StartingHashKey, 10)
			hi, _ := new(big.Int).SetString(sh.HashKeyRange.EndingHashKey, 10)
			if v.Cmp(lo) >= 0 && v.Cmp(hi) <= 0 && out.ShardId != sh.ShardId {
				t.Fatalf("%s went to %s, not %s", key, out.ShardId, sh.ShardId)
			}
		}
	})
}

// FuzzPartitionKeyHash checks the routing hash against crypto/md5 and
// big.Int.
func FuzzPartitionKeyHash(f *testing.F) {
	for _, s := range []string{"a", "user-42", "€", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		sum := md5.Sum([]byte(key))
		if want := new(big.Int).SetBytes(sum[:]).String(); stream.PartitionKeyHash(key) != want {
			t.Fatalf("PartitionKeyHash(%q) = %s, want %s", key, stream.PartitionKeyHash(key), want)
		}
	})
}

// FuzzShardIterator feeds GetRecords arbitrary iterators: only the ones the
// Service issued are accepted, and nothing panics.
func FuzzShardIterator(f *testing.F) {
	e := fzEnv(f)
	s := e.create("fz", 2)
	e.put(s, "a", "x")
	issued := map[string]bool{}
	for _, typ := range []stream.ShardIteratorType{stream.TrimHorizon, stream.Latest} {
		for _, sh := range []string{shardID(0), shardID(1)} {
			it := e.iterator(s, sh, typ, "")
			issued[it] = true
			f.Add(it)
			f.Add(it[:len(it)/2])
		}
	}
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")
	f.Fuzz(func(t *testing.T, it string) {
		out, err := e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
		if err == nil {
			if !issued[it] {
				t.Fatalf("accepted an iterator it never issued: %q", it)
			}
			if out.NextShardIterator == "" {
				t.Fatal("no NextShardIterator on an open shard")
			}
			return
		}
		if !errors.Is(err, stream.ErrInvalidArgumentException) && !errors.Is(err, stream.ErrValidationException) {
			t.Fatalf("%q: %v", it, err)
		}
	})
}

var seqPattern = regexp.MustCompile(`^(0|([1-9]\d{0,128}))$`)

// FuzzSequenceNumber feeds GetShardIterator and CompareSequenceNumbers
// arbitrary sequence numbers: GetShardIterator accepts exactly the
// numbers of its shard, and the comparison agrees with big.Int.
func FuzzSequenceNumber(f *testing.F) {
	e := fzEnv(f)
	s := e.create("fz", 1)
	seq := e.put(s, "a", "x").SequenceNumber
	f.Add(seq, "1")
	f.Add(seq[:55], seq)
	f.Add("49590338271490256608559692538361571095921575989136588898", "0")
	f.Add("21269319989900637946712965403778482371", "012")
	f.Fuzz(func(t *testing.T, a, b string) {
		if c, ok := stream.CompareSequenceNumbers(a, b); ok != (seqPattern.MatchString(a) && seqPattern.MatchString(b)) {
			t.Fatalf("Compare(%q, %q) ok = %v", a, b, ok)
		} else if ok {
			x, _ := new(big.Int).SetString(a, 10)
			y, _ := new(big.Int).SetString(b, 10)
			if x.Cmp(y) != c {
				t.Fatalf("Compare(%s, %s) = %d", a, b, c)
			}
		}
		if _, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "p", SequenceNumberForOrdering: a}); err != nil &&
			!errors.Is(err, stream.ErrValidationException) && !errors.Is(err, stream.ErrInvalidArgumentException) && !errors.Is(err, stream.ErrInternalFailure) {
			t.Fatalf("PutRecord with SequenceNumberForOrdering %q: %v", a, err)
		}
		_, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtSequenceNumber, StartingSequenceNumber: a})
		switch {
		case a == "":
			wantErr(t, err, stream.ErrInvalidArgumentException, "")
		case !seqPattern.MatchString(a):
			wantErr(t, err, stream.ErrValidationException, "")
		case err != nil:
			wantErr(t, err, stream.ErrInvalidArgumentException, "")
		}
	})
}

// FuzzNextToken feeds ListShards and ListStreamConsumers arbitrary
// NextTokens: only ones the Service issued are accepted, and nothing
// panics.
func FuzzNextToken(f *testing.F) {
	e := fzEnv(f)
	s := e.create("fz", 3)
	for i := range 3 {
		if _, err := e.svc.RegisterStreamConsumer(e.ctx, stream.RegisterStreamConsumerInput{StreamARN: s.ARN(), ConsumerName: fmt.Sprint("c", i)}); err != nil {
			f.Fatal(err)
		}
	}
	issued := map[string]bool{}
	ls, err := e.svc.ListShards(e.ctx, stream.ListShardsInput{StreamName: "fz", MaxResults: new(1)})
	if err != nil {
		f.Fatal(err)
	}
	lc, err := e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), MaxResults: new(1)})
	if err != nil {
		f.Fatal(err)
	}
	for _, tok := range []string{ls.NextToken, lc.NextToken} {
		issued[tok] = true
		f.Add(tok)
		f.Add(tok[:len(tok)-3])
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		if tok == "" {
			return
		}
		_, err := e.svc.ListShards(e.ctx, stream.ListShardsInput{NextToken: tok})
		if err == nil && !issued[tok] {
			t.Fatalf("ListShards accepted a token it never issued: %q", tok)
		}
		if err != nil && !errors.Is(err, stream.ErrInvalidArgumentException) && !errors.Is(err, stream.ErrResourceNotFoundException) {
			t.Fatalf("ListShards(%q): %v", tok, err)
		}
		_, err = e.svc.ListStreamConsumers(e.ctx, stream.ListStreamConsumersInput{StreamARN: s.ARN(), NextToken: tok})
		if err == nil && !issued[tok] {
			t.Fatalf("ListStreamConsumers accepted a token it never issued: %q", tok)
		}
		if err != nil && !errors.Is(err, stream.ErrInvalidArgumentException) {
			t.Fatalf("ListStreamConsumers(%q): %v", tok, err)
		}
	})
}
