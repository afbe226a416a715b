package awsapi_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/smithy-go/encoding/cbor"
)

// cborCall posts a CBOR request, as the Java SDKs send them, and decodes the
// CBOR answer.
func cborCall(t *testing.T, e *env, op string, req cbor.Map) (int, cbor.Map) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, e.base+"/", bytes.NewReader(cbor.Encode(req)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	r.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	resp, err := e.http.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-cbor-1.1" {
		t.Fatalf("%s: Content-Type %q: %q", op, ct, b)
	}
	v, err := cbor.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	m, ok := v.(cbor.Map)
	if !ok {
		t.Fatalf("%s: answer %T", op, v)
	}
	return resp.StatusCode, m
}

func TestKinesisCBOR(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		if status, m := cborCall(t, e, "CreateStream", cbor.Map{"StreamName": cbor.String("java"), "ShardCount": cbor.Uint(1)}); status != 200 {
			t.Fatalf("CreateStream: %d %v", status, m)
		}
		e.clock.Add(time.Minute)
		start := e.clock.Now()
		status, m := cborCall(t, e, "PutRecord", cbor.Map{"StreamName": cbor.String("java"), "PartitionKey": cbor.String("p"),
			"Data": cbor.Slice{0, 1, 2, 255}})
		if status != 200 || m["SequenceNumber"] == nil {
			t.Fatalf("PutRecord: %d %v", status, m)
		}
		// The Java SDKs send timestamps as tag 1 around epoch milliseconds.
		status, m = cborCall(t, e, "GetShardIterator", cbor.Map{"StreamName": cbor.String("java"), "ShardId": cbor.String("shardId-000000000000"),
			"ShardIteratorType": cbor.String("AT_TIMESTAMP"), "Timestamp": &cbor.Tag{ID: 1, Value: cbor.Uint(start.UnixMilli())}})
		if status != 200 {
			t.Fatalf("GetShardIterator: %d %v", status, m)
		}
		status, m = cborCall(t, e, "GetRecords", cbor.Map{"ShardIterator": m["ShardIterator"]})
		recs, _ := m["Records"].(cbor.List)
		if status != 200 || len(recs) != 1 {
			t.Fatalf("GetRecords: %d %v", status, m)
		}
		rec := recs[0].(cbor.Map)
		if data, ok := rec["Data"].(cbor.Slice); !ok || !bytes.Equal(data, []byte{0, 1, 2, 255}) {
			t.Fatalf("Data = %#v", rec["Data"])
		}
		if ts, ok := rec["ApproximateArrivalTimestamp"].(*cbor.Tag); !ok || ts.ID != 1 || ts.Value != cbor.Uint(start.UnixMilli()) {
			t.Fatalf("ApproximateArrivalTimestamp = %#v, want tag 1 of %d", rec["ApproximateArrivalTimestamp"], start.UnixMilli())
		}
		status, m = cborCall(t, e, "DescribeStreamSummary", cbor.Map{"StreamName": cbor.String("nope")})
		if status != 400 || m["__type"] != cbor.String("ResourceNotFoundException") {
			t.Fatalf("missing stream: %d %v", status, m)
		}
		status, m = cborCall(t, e, "ListStreams", cbor.Map{"Limit": &cbor.Tag{ID: 99, Value: cbor.Uint(1)}})
		if status != 400 || m["__type"] != cbor.String("SerializationException") {
			t.Fatalf("bad tag: %d %v", status, m)
		}
	})
}

func TestKinesisCBORSubscribeToShard(t *testing.T) {
	transports(t, func(t *testing.T, e *env) {
		cborCall(t, e, "CreateStream", cbor.Map{"StreamName": cbor.String("efo"), "ShardCount": cbor.Uint(1)})
		e.clock.Add(time.Minute)
		_, sum := cborCall(t, e, "DescribeStreamSummary", cbor.Map{"StreamName": cbor.String("efo")})
		arn := sum["StreamDescriptionSummary"].(cbor.Map)["StreamARN"]
		_, reg := cborCall(t, e, "RegisterStreamConsumer", cbor.Map{"StreamARN": arn, "ConsumerName": cbor.String("java")})
		consumer := reg["Consumer"].(cbor.Map)["ConsumerARN"]
		e.clock.Add(time.Minute)
		cborCall(t, e, "PutRecord", cbor.Map{"StreamName": cbor.String("efo"), "PartitionKey": cbor.String("p"), "Data": cbor.Slice{7, 8}})

		req, err := http.NewRequest(http.MethodPost, e.base+"/", bytes.NewReader(cbor.Encode(cbor.Map{"ConsumerARN": consumer,
			"ShardId": cbor.String("shardId-000000000000"), "StartingPosition": cbor.Map{"Type": cbor.String("TRIM_HORIZON")}})))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
		req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.amazon.eventstream" {
			t.Fatalf("SubscribeToShard: %d %v", resp.StatusCode, resp.Header)
		}
		dec := eventstream.NewDecoder()
		first, err := dec.Decode(resp.Body, nil)
		if err != nil || first.Headers.Get(":event-type").String() != "initial-response" {
			t.Fatalf("first message: %v %v", err, first.Headers)
		}
		msg, err := dec.Decode(resp.Body, nil)
		if err != nil || msg.Headers.Get(":event-type").String() != "SubscribeToShardEvent" ||
			msg.Headers.Get(":content-type").String() != "application/x-amz-cbor-1.1" {
			t.Fatalf("event: %v %v", err, msg.Headers)
		}
		v, err := cbor.Decode(msg.Payload)
		if err != nil {
			t.Fatal(err)
		}
		recs := v.(cbor.Map)["Records"].(cbor.List)
		if len(recs) != 1 || !bytes.Equal(recs[0].(cbor.Map)["Data"].(cbor.Slice), []byte{7, 8}) {
			t.Fatalf("event payload = %#v", v)
		}
	})
}
