package stream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sluicehq/sluice/stream"
)

func TestIteratorTypes(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("iters", 1)
	var seqs []string
	for _, d := range []string{"r0", "r1", "r2"} {
		seqs = append(seqs, e.put(s, "k", d).SequenceNumber)
		e.clock.Add(time.Second)
	}
	latest := e.iterator(s, shardID(0), stream.Latest, "")
	for _, tc := range []struct {
		typ  stream.ShardIteratorType
		seq  string
		want string
	}{
		{stream.TrimHorizon, "", "r0,r1,r2"},
		{stream.AtSequenceNumber, seqs[1], "r1,r2"},
		{stream.AfterSequenceNumber, seqs[1], "r2"},
		{stream.AfterSequenceNumber, seqs[2], ""},
		{stream.Latest, "", ""},
	} {
		got := data(e.get(s, e.iterator(s, shardID(0), tc.typ, tc.seq)).Records)
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.typ, tc.seq, got, tc.want)
		}
	}
	e.put(s, "k", "r3")
	for range 2 { // an iterator is not used up
		if got := data(e.get(s, latest).Records); strings.Join(got, ",") != "r3" {
			t.Fatalf("LATEST then a write: %v", got)
		}
	}
	// AT_TIMESTAMP: the first record that arrived at or after T.
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{epoch.Add(-time.Hour), "r0,r1,r2,r3"},
		{epoch, "r0,r1,r2,r3"},
		{epoch.Add(500 * time.Millisecond), "r1,r2,r3"},
		{epoch.Add(2 * time.Second), "r2,r3"},
		{e.clock.Now(), "r3"},
	} {
		out, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtTimestamp, Timestamp: &tc.at})
		if err != nil {
			t.Fatal(err)
		}
		if got := data(e.get(s, out.ShardIterator).Records); strings.Join(got, ",") != tc.want {
			t.Errorf("AT_TIMESTAMP %v: %v, want %s", tc.at, got, tc.want)
		}
	}
}

func TestGetShardIteratorErrors(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("errs", 2)
	seq1 := e.put(s, "b", "x").SequenceNumber // shard 1 of 2? route decides; find its shard
	var other string
	for _, sh := range e.shards(s) {
		if sh.ShardId != e.put(s, "b", "y").ShardId {
			other = sh.ShardId
		}
	}
	future := e.clock.Now().Add(time.Second)
	for _, tc := range []struct {
		name     string
		in       stream.GetShardIteratorInput
		sentinel *stream.Error
		msg      string
	}{
		{"AT without number", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtSequenceNumber}, stream.ErrInvalidArgumentException,
			"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."},
		{"LATEST with number", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.Latest, StartingSequenceNumber: seq1}, stream.ErrInvalidArgumentException,
			"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber."},
		{"other shard's number", stream.GetShardIteratorInput{ShardId: other, ShardIteratorType: stream.AtSequenceNumber, StartingSequenceNumber: seq1}, stream.ErrInvalidArgumentException, ""},
		{"AT_TIMESTAMP without timestamp", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtTimestamp}, stream.ErrInvalidArgumentException, ""},
		{"future timestamp", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtTimestamp, Timestamp: &future}, stream.ErrInvalidArgumentException, ""},
		{"unknown shard", stream.GetShardIteratorInput{ShardId: "shard-7", ShardIteratorType: stream.Latest}, stream.ErrResourceNotFoundException,
			"Shard shardId-000000000007 in stream errs under account 123456789012 does not exist"},
		{"not a shard id", stream.GetShardIteratorInput{ShardId: "shardId-x", ShardIteratorType: stream.Latest}, stream.ErrResourceNotFoundException,
			"Could not find shard shardId-x in stream errs under account 123456789012."},
		{"bad type", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: "OLDEST"}, stream.ErrValidationException, ""},
		{"not a number", stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtSequenceNumber, StartingSequenceNumber: "12x"}, stream.ErrValidationException, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.GetShardIterator(e.ctx, tc.in)
			wantErr(t, err, tc.sentinel, tc.msg)
		})
	}
	// AWS reads the digits after the first '-'.
	if _, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: "foo-1", ShardIteratorType: stream.Latest}); err != nil {
		t.Fatalf("foo-1: %v", err)
	}
}

func TestGetRecordsLimitAndPaging(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("page", 1)
	for i := range 25 {
		e.put(s, "k", string(rune('a'+i)))
	}
	it := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	var got []string
	for range 10 {
		out, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it, Limit: new(7)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Records) > 7 || out.NextShardIterator == "" {
			t.Fatalf("page = %d records, next %q", len(out.Records), out.NextShardIterator)
		}
		if len(got)+len(out.Records) < 25 && out.MillisBehindLatest == 0 {
			t.Fatalf("MillisBehindLatest 0 with records behind")
		}
		got = append(got, data(out.Records)...)
		if len(got) == 25 && out.MillisBehindLatest != 0 {
			t.Fatalf("MillisBehindLatest = %d when caught up", out.MillisBehindLatest)
		}
		it = out.NextShardIterator
	}
	if strings.Join(got, "") != "abcdefghijklmnopqrstuvwxy" {
		t.Fatalf("read %v", got)
	}
	for _, n := range []int{0, 10001} {
		_, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it, Limit: new(n)})
		wantErr(t, err, stream.ErrValidationException, "")
	}
}

func TestGetRecordsTenMiB(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("bytes", 1)
	chunk := string(make([]byte, 1<<20-1)) // with the 1-byte key, 1 MiB a record
	for range 12 {
		e.put(s, "k", chunk)
	}
	out := e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, ""))
	if len(out.Records) != 10 {
		t.Fatalf("one call returned %d MiB, want 10", len(out.Records))
	}
	if out = e.get(s, out.NextShardIterator); len(out.Records) != 2 {
		t.Fatalf("second call returned %d", len(out.Records))
	}
}

func TestIteratorExpiry(t *testing.T) {
	e := newEnv(t)
	s := e.create("expiry", 1)
	it := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	e.clock.Add(299 * time.Second)
	e.get(s, it)
	e.clock.Add(time.Second)
	e.get(s, it) // 300 s exactly is still valid
	e.clock.Add(time.Millisecond)
	_, err := s.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
	wantErr(t, err, stream.ErrExpiredIteratorException,
		"Iterator expired. The iterator was created at time Fri Jan 02 03:04:05 UTC 2026 while right now it is Fri Jan 02 03:09:05 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds.")
}

func TestIteratorTampering(t *testing.T) {
	e := newEnv(t)
	s := e.create("tamper", 1)
	it := e.iterator(s, shardID(0), stream.TrimHorizon, "")
	b := []byte(it)
	b[10] ^= 1
	for _, bad := range []string{string(b), "AAAA", it[:len(it)-4], "not base64!"} {
		_, err := e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: bad})
		wantErr(t, err, stream.ErrInvalidArgumentException, "Invalid ShardIterator.")
	}
	_, err := e.svc.GetRecords(e.ctx, stream.GetRecordsInput{})
	wantErr(t, err, stream.ErrValidationException, "")
	// An iterator of a deleted stream whose name was taken again.
	if err := e.svc.DeleteStream(e.ctx, stream.DeleteStreamInput{StreamName: "tamper"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Shard shardId-000000000000 in stream tamper under account 123456789012 does not exist")
	e.create("tamper", 1)
	_, err = e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: it})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Shard shardId-000000000000 in stream tamper under account 123456789012 does not exist")
	// Another Service's iterator is not valid here.
	other := newEnv(t)
	os := other.create("tamper", 1)
	_, err = e.svc.GetRecords(e.ctx, stream.GetRecordsInput{ShardIterator: other.iterator(os, shardID(0), stream.Latest, "")})
	wantErr(t, err, stream.ErrInvalidArgumentException, "")
}

// TestAtTimestampMilliseconds checks AT_TIMESTAMP compares at AWS's
// millisecond precision.
func TestAtTimestampMilliseconds(t *testing.T) {
	e := newEnv(t)
	s := e.create("ms", 1)
	e.clock.Add(500 * time.Microsecond)
	e.put(s, "k", "x")
	e.clock.Add(time.Millisecond)
	at := epoch.Add(700 * time.Microsecond) // the same millisecond as the record
	out, err := s.GetShardIterator(e.ctx, stream.GetShardIteratorInput{ShardId: shardID(0), ShardIteratorType: stream.AtTimestamp, Timestamp: &at})
	if err != nil {
		t.Fatal(err)
	}
	if got := data(e.get(s, out.ShardIterator).Records); len(got) != 1 {
		t.Fatalf("AT_TIMESTAMP in the record's millisecond read %v", got)
	}
}
