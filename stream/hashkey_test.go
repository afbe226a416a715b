package stream_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/stream"
)

// TestPartitionKeyRouting checks the §1.1 vectors: the hash key of each
// partition key and the shard it lands on in 3- and 4-shard streams.
func TestPartitionKeyRouting(t *testing.T) {
	f, err := os.Open("testdata/hashkeys.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := newEnv(t)
	three, four := e.create("three", 3), e.create("four", 4)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		key, dec := fields[0], fields[2]
		in3, _ := strconv.Atoi(fields[3])
		in4, _ := strconv.Atoi(fields[4])
		if got := stream.PartitionKeyHash(key); got != dec {
			t.Errorf("PartitionKeyHash(%q) = %s, want %s", key, got, dec)
		}
		if got := e.put(three, key, "x").ShardId; got != shardID(in3) {
			t.Errorf("%q on 3 shards went to %s, want %s", key, got, shardID(in3))
		}
		if got := e.put(four, key, "x").ShardId; got != shardID(in4) {
			t.Errorf("%q on 4 shards went to %s, want %s", key, got, shardID(in4))
		}
		n++
	}
	if n < 5 {
		t.Fatalf("read %d vectors", n)
	}
}

func TestExplicitHashKey(t *testing.T) {
	e := newEnv(t)
	s := e.create("explicit", 3)
	for _, tc := range []struct {
		key, shard string
	}{
		{"0", shardID(0)},
		{"113427455640312821154458202477256070484", shardID(0)},
		{"113427455640312821154458202477256070485", shardID(1)},
		{"340282366920938463463374607431768211455", shardID(2)},
	} {
		out, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "a", ExplicitHashKey: tc.key, Data: []byte("x")})
		if err != nil || out.ShardId != tc.shard {
			t.Errorf("ExplicitHashKey %s: %+v, %v; want %s", tc.key, out, err, tc.shard)
		}
	}
	for _, tc := range []struct {
		key      string
		sentinel *stream.Error
		msg      string
	}{
		{"340282366920938463463374607431768211456", stream.ErrInvalidArgumentException,
			"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456"},
		{"999999999999999999999999999999999999999", stream.ErrInvalidArgumentException, ""},
		{"1000000000000000000000000000000000000000", stream.ErrValidationException, ""},
		{"-1", stream.ErrValidationException,
			`1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\d{0,38})`},
		{"01", stream.ErrValidationException, ""},
		{"abc", stream.ErrValidationException, ""},
	} {
		_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "a", ExplicitHashKey: tc.key, Data: []byte("x")})
		wantErr(t, err, tc.sentinel, tc.msg)
	}
}

func TestPartitionKeyLength(t *testing.T) {
	e := newEnv(t)
	s := e.create("keys", 1)
	_, err := s.PutRecord(e.ctx, stream.PutRecordInput{Data: []byte("x")})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: strings.Repeat("k", 257), Data: []byte("x")})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256")
	// 256 characters of three bytes each: the limit counts characters.
	e.put(s, strings.Repeat("€", 256), "x")
}
