package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kinesistypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluicehq/sluice/awsapi"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
	"github.com/sluicehq/sluice/stream"
)

// sqsEndpoint points the loopback benchmarks at another server speaking SQS
// (e.g. moto_server) instead of an in-process sluice:
//
//	go test -run X -bench SQS/loopback ./awsapi -args -sqs-endpoint=http://127.0.0.1:5000
var sqsEndpoint = flag.String("sqs-endpoint", "", "benchmark this SQS endpoint instead of an in-process sluice")

// BenchmarkSQS measures SendMessage → ReceiveMessage → DeleteMessage, one
// message per iteration (three calls), through the native API, the Go SDK
// in memory, and the Go SDK over loopback HTTP, sequentially and with
// parallel clients.
func BenchmarkSQS(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		svc := queue.New()
		defer svc.Close()
		q, err := svc.CreateQueue(ctx, queue.CreateQueueInput{QueueName: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := q.SendMessage(ctx, queue.SendMessageInput{MessageBody: "hello"}); err != nil {
				b.Fatal(err)
			}
			out, err := q.ReceiveMessage(ctx, queue.ReceiveMessageInput{})
			if err != nil || len(out.Messages) != 1 {
				b.Fatal(err, len(out.Messages))
			}
			if _, err := q.DeleteMessage(ctx, queue.DeleteMessageInput{ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("inmemory", func(b *testing.B) {
		svc := queue.New()
		defer svc.Close()
		benchSQSClient(b, "http://sluice.local", awsapi.HTTPClient(awsapi.New(awsapi.WithQueues(svc))), false)
	})
	for _, parallel := range []bool{false, true} {
		name := "loopback"
		if parallel {
			name = "loopback-parallel"
		}
		b.Run(name, func(b *testing.B) {
			base := *sqsEndpoint
			if base == "" {
				svc := queue.New()
				defer svc.Close()
				srv := httptest.NewServer(awsapi.New(awsapi.WithQueues(svc)))
				defer srv.Close()
				base = srv.URL
			}
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = 64
			benchSQSClient(b, base, &http.Client{Transport: bufferBodies{tr}}, parallel)
		})
	}
}

func benchSQSClient(b *testing.B, base string, hc *http.Client, parallel bool) {
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), HTTPClient: hc, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	name := "bench"
	if parallel {
		name = "bench-parallel"
	}
	url := must(c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)}))(b).QueueUrl
	one := func(ctx context.Context) {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("hello")}); err != nil {
			b.Error(err)
			return
		}
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
		if err != nil {
			b.Error(err)
			return
		}
		for _, m := range out.Messages {
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
				b.Error(err)
				return
			}
		}
	}
	if parallel {
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				one(ctx)
			}
		})
	} else {
		for b.Loop() {
			one(ctx)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	_, _ = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: url})
}

// kinesisEndpoint points the Kinesis loopback benchmark at another server
// (e.g. moto_server).
var kinesisEndpoint = flag.String("kinesis-endpoint", "", "benchmark this Kinesis endpoint instead of an in-process sluice")

// BenchmarkKinesis measures PutRecords of 500 records of 100 bytes followed by
// the GetRecords that reads them back, through the native API and the Go SDK
// over loopback HTTP. The stream has one shard; a mock clock moves one second
// per iteration so the shard's write and read limits are never the bottleneck.
func BenchmarkKinesis(b *testing.B) {
	const batch = 500
	data := bytes.Repeat([]byte("x"), 100)
	b.Run("native", func(b *testing.B) {
		mock := clock.NewMock()
		svc := stream.New(stream.WithClock(mock))
		defer svc.Close()
		s, err := svc.CreateStream(ctx, stream.CreateStreamInput{StreamName: "bench", ShardCount: aws.Int(1)})
		if err != nil {
			b.Fatal(err)
		}
		mock.Add(time.Minute)
		it, err := s.GetShardIterator(ctx, stream.GetShardIteratorInput{ShardId: "shardId-000000000000", ShardIteratorType: stream.TrimHorizon})
		if err != nil {
			b.Fatal(err)
		}
		next := it.ShardIterator
		entries := make([]stream.PutRecordsRequestEntry, batch)
		for i := range entries {
			entries[i] = stream.PutRecordsRequestEntry{PartitionKey: strconv.Itoa(i), Data: data}
		}
		for b.Loop() {
			mock.Add(time.Second)
			if out, err := s.PutRecords(ctx, stream.PutRecordsInput{Records: entries}); err != nil || out.FailedRecordCount > 0 {
				b.Fatal(err, out.FailedRecordCount)
			}
			got, err := svc.GetRecords(ctx, stream.GetRecordsInput{ShardIterator: next})
			if err != nil || len(got.Records) != batch {
				b.Fatal(err, len(got.Records))
			}
			next = got.NextShardIterator
		}
		b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("loopback", func(b *testing.B) {
		base := *kinesisEndpoint
		mock := clock.NewMock()
		if base == "" {
			svc := stream.New(stream.WithClock(mock))
			defer svc.Close()
			srv := httptest.NewServer(awsapi.New(awsapi.WithStreams(svc)))
			defer srv.Close()
			base = srv.URL
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		c := kinesis.New(kinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), RetryMaxAttempts: 1,
			HTTPClient:  &http.Client{Transport: bufferBodies{tr}},
			Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
		name := aws.String("bench")
		must(c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(1)}))(b)
		mock.Add(time.Minute)
		shard := must(c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: name}))(b).Shards[0].ShardId
		next := must(c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: name, ShardId: shard,
			ShardIteratorType: kinesistypes.ShardIteratorTypeTrimHorizon}))(b).ShardIterator
		entries := make([]kinesistypes.PutRecordsRequestEntry, batch)
		for i := range entries {
			entries[i] = kinesistypes.PutRecordsRequestEntry{PartitionKey: aws.String(strconv.Itoa(i)), Data: data}
		}
		for b.Loop() {
			mock.Add(time.Second)
			if out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: name, Records: entries}); err != nil || *out.FailedRecordCount > 0 {
				b.Fatal(err)
			}
			got, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: next})
			if err != nil || len(got.Records) != batch {
				b.Fatal(err)
			}
			next = got.NextShardIterator
		}
		b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
		_, _ = c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: name})
	})
}

// BenchmarkSQSRawHTTP is the loopback workload of BenchmarkSQS without the
// SDK: hand-built JSON requests on a plain http.Client, to tell the server's
// cost from the SDK client's.
func BenchmarkSQSRawHTTP(b *testing.B) {
	svc := queue.New()
	defer svc.Close()
	srv := httptest.NewServer(awsapi.New(awsapi.WithQueues(svc)))
	defer srv.Close()
	hc := srv.Client()
	post := func(op, body string) []byte {
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(err, resp.StatusCode, string(out))
		}
		return out
	}
	post("CreateQueue", `{"QueueName":"raw"}`)
	const q = `"QueueUrl":"http://x/123456789012/raw"`
	for b.Loop() {
		post("SendMessage", `{`+q+`,"MessageBody":"hello"}`)
		var got struct {
			Messages []struct{ ReceiptHandle string }
		}
		if err := json.Unmarshal(post("ReceiveMessage", `{`+q+`}`), &got); err != nil || len(got.Messages) != 1 {
			b.Fatal(err, len(got.Messages))
		}
		rh, _ := json.Marshal(got.Messages[0].ReceiptHandle)
		post("DeleteMessage", `{`+q+`,"ReceiptHandle":`+string(rh)+`}`)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
