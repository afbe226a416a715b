package stream_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/stream"
)

func TestRecordSizeLimit(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("big", 1)
	_, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: make([]byte, 1<<20)})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576")
	e.put(s, "k", string(make([]byte, 1<<20-1)))
	_, err = s.PutRecords(e.ctx, stream.PutRecordsInput{Records: []stream.PutRecordsRequestEntry{
		{PartitionKey: "k", Data: []byte("small")},
		{PartitionKey: "k", Data: make([]byte, 1<<20)},
	}})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576")

	for _, kib := range []int{1023, 10241} {
		err := e.svc.UpdateMaxRecordSize(e.ctx, stream.UpdateMaxRecordSizeInput{StreamARN: s.ARN(), MaxRecordSizeInKiB: kib})
		wantErr(t, err, stream.ErrValidationException, "")
	}
	if err := e.svc.UpdateMaxRecordSize(e.ctx, stream.UpdateMaxRecordSizeInput{StreamARN: s.ARN(), MaxRecordSizeInKiB: 10240}); err != nil {
		t.Fatal(err)
	}
	e.put(s, "k", string(make([]byte, 5<<20)))
	if got := e.summary(s).MaxRecordSizeInKiB; got != 10240 {
		t.Fatalf("MaxRecordSizeInKiB = %d", got)
	}
}

func TestPutRecordsLimits(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("batch", 1)
	_, err := s.PutRecords(e.ctx, stream.PutRecordsInput{})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = s.PutRecords(e.ctx, stream.PutRecordsInput{Records: make([]stream.PutRecordsRequestEntry, 501)})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")
	_, err = s.PutRecords(e.ctx, stream.PutRecordsInput{Records: []stream.PutRecordsRequestEntry{{PartitionKey: "a"}, {PartitionKey: ""}}})
	wantErr(t, err, stream.ErrValidationException,
		"1 validation error detected: Value at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1")
	big := make([]stream.PutRecordsRequestEntry, 11)
	for i := range big {
		big[i] = stream.PutRecordsRequestEntry{PartitionKey: "k", Data: make([]byte, 1<<20-10)}
	}
	_, err = s.PutRecords(e.ctx, stream.PutRecordsInput{Records: big})
	wantErr(t, err, stream.ErrInvalidArgumentException, "Records size exceeds 10 MB limit")
	// A rejected request writes nothing.
	if out := e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")); len(out.Records) != 0 {
		t.Fatalf("%d records after rejected requests", len(out.Records))
	}
}

func TestPutRecordsOrderAndShards(t *testing.T) {
	e := newEnv(t, stream.WithThrottling(false))
	s := e.create("multi", 4)
	var in stream.PutRecordsInput
	for i := range 500 {
		in.Records = append(in.Records, stream.PutRecordsRequestEntry{PartitionKey: fmt.Sprint("key-", i%37), Data: []byte(fmt.Sprint(i))})
	}
	out, err := s.PutRecords(e.ctx, in)
	if err != nil || out.FailedRecordCount != 0 || len(out.Records) != 500 || out.EncryptionType != stream.EncryptionTypeNone {
		t.Fatalf("PutRecords = %d results, %d failed, %v", len(out.Records), out.FailedRecordCount, err)
	}
	seen := map[string]bool{}
	byShard := map[string][]string{}
	for i, r := range out.Records {
		if r.ShardId == "" || r.SequenceNumber == "" || r.ErrorCode != "" || seen[r.SequenceNumber] {
			t.Fatalf("result %d = %+v", i, r)
		}
		seen[r.SequenceNumber] = true
		if want := stream.PartitionKeyHash(in.Records[i].PartitionKey); want == "" {
			t.Fatal("no hash")
		}
		byShard[r.ShardId] = append(byShard[r.ShardId], string(in.Records[i].Data))
	}
	// Each shard holds its entries in request order.
	for id, want := range byShard {
		got := data(e.get(s, e.iterator(s, id, stream.TrimHorizon, "")).Records)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%s holds %v, want %v", id, got, want)
		}
	}
}

func TestPutCopiesData(t *testing.T) {
	e := newEnv(t)
	s := e.create("copy", 1)
	buf := []byte("original")
	if _, err := s.PutRecord(e.ctx, stream.PutRecordInput{PartitionKey: "k", Data: buf}); err != nil {
		t.Fatal(err)
	}
	copy(buf, "CHANGED!")
	got := e.get(s, e.iterator(s, shardID(0), stream.TrimHorizon, "")).Records
	if !bytes.Equal(got[0].Data, []byte("original")) {
		t.Fatalf("stored data = %q", got[0].Data)
	}
}
