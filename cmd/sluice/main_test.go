package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// start runs the server on a loopback port and returns its base URL; the
// server stops, and run's error is checked, when the test ends.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var logs syncBuffer
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &logs, func(a string) { addr <- a })
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
		if !strings.Contains(logs.String(), "shutting down") {
			t.Errorf("no shutdown in the logs:\n%s", logs.String())
		}
	})
	return base
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func call(t *testing.T, method, url string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return resp.StatusCode, v
}

func TestServerManualClock(t *testing.T) {
	base := start(t, "-clock", "manual", "-log-level", "debug")
	if status, v := call(t, http.MethodGet, base+"/_sluice/health"); status != 200 || v["status"] != "ok" {
		t.Fatalf("health: %d %v", status, v)
	}
	_, v := call(t, http.MethodGet, base+"/_sluice/clock")
	before, err := time.Parse(time.RFC3339Nano, v["now"].(string))
	if err != nil {
		t.Fatal(err)
	}
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	ctx := context.Background()
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("later"), DelaySeconds: 300}); err != nil {
		t.Fatal(err)
	}
	receive := func() int {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Messages)
	}
	if n := receive(); n != 0 {
		t.Fatalf("received %d before the delay, want 0", n)
	}
	status, v := call(t, http.MethodPost, base+"/_sluice/clock/advance?by=5m")
	after, _ := time.Parse(time.RFC3339Nano, v["now"].(string))
	if status != 200 || after.Sub(before) != 5*time.Minute {
		t.Fatalf("advance: %d %v", status, v)
	}
	if n := receive(); n != 1 {
		t.Fatalf("received %d after the delay, want 1", n)
	}
	if status, _ := call(t, http.MethodPost, base+"/_sluice/clock/advance?by=soon"); status != 400 {
		t.Fatalf("bad duration: %d, want 400", status)
	}
}

func TestServerRealClock(t *testing.T) {
	base := start(t)
	// HTTP/2 with prior knowledge, as the JavaScript SDK's Kinesis client speaks.
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	resp, err := (&http.Client{Transport: tr}).Get(base + "/_sluice/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 {
		t.Fatalf("h2c health: %s %d", resp.Proto, resp.StatusCode)
	}
	tr.CloseIdleConnections()
	if status, v := call(t, http.MethodGet, base+"/_sluice/s3/nothing/"); status != 200 || len(v["keys"].([]any)) != 0 {
		t.Fatalf("empty bucket: %d %v", status, v)
	}
	if status, v := call(t, http.MethodGet, base+"/_sluice/s3/nothing/a/b"); status != 404 {
		t.Fatalf("missing object: %d %v", status, v)
	}
	if status, v := call(t, http.MethodGet, base+"/_sluice/sns/outbox"); status != 200 || len(v["messages"].([]any)) != 0 {
		t.Fatalf("empty outbox: %d %v", status, v)
	}
	if status, _ := call(t, http.MethodPost, base+"/_sluice/clock/advance?by=1s"); status != http.StatusConflict {
		t.Fatalf("advance on the real clock: %d, want 409", status)
	}
}

func TestServerBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-clock", "sometimes"}, {"-log-level", "loud"}, {"-nope"}} {
		if err := run(context.Background(), args, io.Discard, nil); err == nil {
			t.Errorf("run(%v) = nil, want an error", args)
		}
	}
	if err := run(context.Background(), []string{"-addr", "256.0.0.1:1"}, io.Discard, nil); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("bad address: %v", err)
	}
}

func TestServerCORS(t *testing.T) {
	base := start(t)
	req, err := http.NewRequest(http.MethodOptions, base+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,authorization")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "x-amz-target") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/", strings.NewReader("{}"))
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") == "" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "x-amzn-query-error") {
		t.Fatalf("request: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestServerAnalytics(t *testing.T) {
	base := start(t, "-clock", "manual", "-region", "eu-west-1")
	client := kinesisanalytics.New(kinesisanalytics.Options{Region: "eu-west-1", BaseEndpoint: aws.String(base), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	ctx := context.Background()
	out, err := client.CreateApplication(ctx, &kinesisanalytics.CreateApplicationInput{ApplicationName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.ApplicationSummary.ApplicationARN; got != "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/app" {
		t.Fatalf("ARN = %s", got)
	}
	list, err := client.ListApplications(ctx, &kinesisanalytics.ListApplicationsInput{})
	if err != nil || len(list.ApplicationSummaries) != 1 {
		t.Fatalf("ListApplications = %+v, %v", list, err)
	}
}
