package firehose_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluicehq/sluice/firehose"
)

// endpoint is an in-memory HTTP endpoint: a RoundTripper recording
// requests and answering with the statuses it is given, in turn (the last
// one repeating).
type endpoint struct {
	mu       sync.Mutex
	statuses []int
	requests []*recorded
}

type recorded struct {
	url    string
	header http.Header
	body   []byte
}

func (ep *endpoint) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.requests = append(ep.requests, &recorded{url: req.URL.String(), header: req.Header.Clone(), body: body})
	status := 200
	if len(ep.statuses) > 0 {
		status = ep.statuses[0]
		if len(ep.statuses) > 1 {
			ep.statuses = ep.statuses[1:]
		}
	}
	var answer []byte
	if strings.HasSuffix(req.URL.Path, "/_bulk") {
		answer = []byte(`{"took":1,"errors":false,"items":[]}`)
	} else {
		answer, _ = json.Marshal(map[string]any{"requestId": req.Header.Get("X-Amz-Firehose-Request-Id"), "timestamp": 1})
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(answer)), Request: req}, nil
}

func (ep *endpoint) calls() []*recorded {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return append([]*recorded(nil), ep.requests...)
}

func httpConf(retry int) *firehose.HttpEndpointDestinationConfiguration {
	return &firehose.HttpEndpointDestinationConfiguration{
		EndpointConfiguration: &firehose.HttpEndpointConfiguration{Url: "https://example.com/ingest", AccessKey: "secret"},
		BufferingHints:        &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)},
		RetryOptions:          &firehose.RetryOptions{DurationInSeconds: new(retry)},
		RequestConfiguration: &firehose.HttpEndpointRequestConfiguration{CommonAttributes: []firehose.HttpEndpointCommonAttribute{
			{AttributeName: "env", AttributeValue: "test"}}},
		S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, ErrorOutputPrefix: "failed/"},
	}
}

func TestHTTPEndpointProtocol(t *testing.T) {
	ep := &endpoint{}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(300)})
		e.put(d, "hello", "hello world")
		e.advance(time.Minute)
		calls := ep.calls()
		if len(calls) != 1 {
			t.Fatalf("%d requests, want 1", len(calls))
		}
		c := calls[0]
		h := c.header
		if c.url != "https://example.com/ingest" || h.Get("X-Amz-Firehose-Protocol-Version") != "1.0" || h.Get("Content-Type") != "application/json" ||
			h.Get("X-Amz-Firehose-Access-Key") != "secret" || h.Get("X-Amz-Firehose-Source-Arn") != d.ARN() ||
			h.Get("X-Amz-Firehose-Common-Attributes") != `{"commonAttributes":{"env":"test"}}` || h.Get("Content-Encoding") != "" {
			t.Errorf("request %s headers %v", c.url, h)
		}
		var body struct {
			RequestID string `json:"requestId"`
			Timestamp int64  `json:"timestamp"`
			Records   []struct {
				Data string `json:"data"`
			} `json:"records"`
		}
		if err := json.Unmarshal(c.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.RequestID != h.Get("X-Amz-Firehose-Request-Id") || body.Timestamp != epoch.Add(time.Minute).UnixMilli() ||
			len(body.Records) != 2 || body.Records[0].Data != "aGVsbG8=" || body.Records[1].Data != "aGVsbG8gd29ybGQ=" {
			t.Errorf("body = %s", c.body)
		}
		m, _ := d.Metrics(e.ctx)
		if m["DeliveryToHttpEndpoint.Records"] != 2 || m["DeliveryToHttpEndpoint.Success"] != 1 {
			t.Errorf("metrics = %v", m)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestHTTPEndpointRetries(t *testing.T) {
	ep := &endpoint{statuses: []int{500, 503, 200}}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(300)})
		e.put(d, "x")
		e.advance(time.Minute)
		if n := len(ep.calls()); n != 1 {
			t.Fatalf("%d requests, want 1", n)
		}
		e.advance(800 * time.Millisecond) // first backoff is 1 s ± 15 %
		if n := len(ep.calls()); n != 1 {
			t.Fatalf("%d requests before the backoff, want 1", n)
		}
		e.advance(400 * time.Millisecond)
		if n := len(ep.calls()); n != 2 {
			t.Fatalf("%d requests after the first backoff, want 2", n)
		}
		e.advance(3 * time.Second) // second backoff is 2 s ± 15 %
		calls := ep.calls()
		if len(calls) != 3 {
			t.Fatalf("%d requests, want 3", len(calls))
		}
		id := calls[0].header.Get("X-Amz-Firehose-Request-Id")
		for _, c := range calls {
			if c.header.Get("X-Amz-Firehose-Request-Id") != id {
				t.Errorf("request ids differ across retries")
			}
		}
		if n := e.bucket().Len(); n != 0 {
			t.Errorf("%d backup objects after a success", n)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestHTTPEndpointGivesUpToS3(t *testing.T) {
	ep := &endpoint{statuses: []int{500}}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(60)})
		e.put(d, "x")
		e.advance(time.Minute)
		for range 10 {
			e.advance(30 * time.Second)
		}
		n := len(ep.calls())
		if n < 5 || n > 8 {
			t.Errorf("%d attempts in 60 s of retries", n)
		}
		e.advance(5 * time.Minute) // the S3 configuration's default interval
		objs := e.bucket().Objects("failed/")
		if len(objs) != 1 {
			t.Fatalf("keys = %v, want one under failed/", e.bucket().Keys())
		}
		var line map[string]any
		if err := json.Unmarshal(objs[0].Body, &line); err != nil {
			t.Fatal(err)
		}
		if line["errorCode"] != "HttpEndpoint.DestinationException" || line["rawData"] != base64.StdEncoding.EncodeToString([]byte("x")) ||
			line["attemptsMade"].(float64) != float64(n) {
			t.Errorf("error record = %v", line)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestHTTPEndpoint413IsPermanent(t *testing.T) {
	ep := &endpoint{statuses: []int{413}}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(300)})
		e.put(d, "x")
		e.advance(time.Minute)
		e.advance(time.Hour)
		if n := len(ep.calls()); n != 1 {
			t.Errorf("%d attempts after a 413, want 1", n)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestOpenSearchBulk(t *testing.T) {
	ep := &endpoint{}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "logs", AmazonopensearchserviceDestinationConfiguration: &firehose.OpenSearchDestinationConfiguration{
			RoleARN: roleARN, ClusterEndpoint: "https://search.example.com", IndexName: "logs", IndexRotationPeriod: firehose.OneDay,
			BufferingHints:  &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)},
			S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}}})
		e.put(d, `{"a":1}`, `{"a":2}`)
		e.advance(time.Minute)
		calls := ep.calls()
		if len(calls) != 1 || calls[0].url != "https://search.example.com/_bulk" {
			t.Fatalf("requests = %+v", calls)
		}
		lines := strings.Split(strings.TrimSpace(string(calls[0].body)), "\n")
		if len(lines) != 4 || !strings.Contains(lines[0], `"_index":"logs-2026-11-25"`) || lines[1] != `{"a":1}` {
			t.Errorf("bulk body = %s", calls[0].body)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestSplunkHEC(t *testing.T) {
	ep := &endpoint{}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "hec", SplunkDestinationConfiguration: &firehose.SplunkDestinationConfiguration{
			HECEndpoint: "https://splunk.example.com:8088", HECEndpointType: "Event", HECToken: "tok",
			BufferingHints:  &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(10)},
			S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}}})
		e.put(d, `{"event":"a"}`)
		e.advance(10 * time.Second)
		calls := ep.calls()
		if len(calls) != 1 || calls[0].url != "https://splunk.example.com:8088/services/collector/event" ||
			calls[0].header.Get("Authorization") != "Splunk tok" || string(calls[0].body) != `{"event":"a"}` {
			t.Fatalf("requests = %+v", calls)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

// flaky is a Destination failing its first n writes.
type flaky struct {
	mu    sync.Mutex
	fails int
	calls int
	inner *firehose.Bucket
}

func (f *flaky) PutObject(ctx context.Context, key string, body []byte) error {
	f.mu.Lock()
	f.calls++
	fail := f.calls <= f.fails
	f.mu.Unlock()
	if fail {
		return errors.New("503 Slow Down")
	}
	return f.inner.PutObject(ctx, key, body)
}

func TestS3RetriedThenDropped(t *testing.T) {
	run(t, func(e *env) {
		f := &flaky{fails: 3, inner: firehose.NewBucket()}
		e.svc.RegisterBucket(bucketARN, f)
		d := e.createS3("s", s3(1, 60))
		e.put(d, "x")
		e.advance(time.Minute)
		for range 10 {
			e.advance(10 * time.Second)
		}
		if f.inner.Len() != 1 || f.calls != 4 {
			t.Fatalf("objects %d after %d calls, want 1 after 4", f.inner.Len(), f.calls)
		}
		// A bucket that never recovers: dropped after 24 h of retries.
		f.mu.Lock()
		f.fails, f.calls = 1<<30, 0
		f.mu.Unlock()
		e.put(d, "y")
		for range 26 {
			e.advance(time.Hour)
		}
		m, _ := d.Metrics(e.ctx)
		if m["sluice.DroppedRecords"] != 1 || f.inner.Len() != 1 {
			t.Fatalf("dropped %v, objects %d", m["sluice.DroppedRecords"], f.inner.Len())
		}
	})
}

func TestOpenSearchFailedDocuments(t *testing.T) {
	ep := &endpoint{statuses: []int{503}}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "logs", AmazonopensearchserviceDestinationConfiguration: &firehose.OpenSearchDestinationConfiguration{
			RoleARN: roleARN, ClusterEndpoint: "https://search.example.com", IndexName: "logs", IndexRotationPeriod: firehose.OneMonth,
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)},
			RetryOptions:   &firehose.RetryOptions{DurationInSeconds: new(0)},
			S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN,
				ErrorOutputPrefix: "failed/!{firehose:error-output-type}/", Prefix: "ok/!{timestamp:yyyy}/",
				BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}}})
		e.put(d, `{"a":1}`)
		e.advance(time.Minute)
		e.advance(time.Minute)
		objs := e.bucket().Objects("failed/AmazonOpenSearchService-failed/")
		if len(objs) != 1 {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
		var line map[string]any
		if err := json.Unmarshal(objs[0].Body, &line); err != nil {
			t.Fatal(err)
		}
		if line["esIndexName"] != "logs-2026-11" || line["esDocumentId"] == "" || line["errorCode"] != "OS.DestinationException" {
			t.Errorf("error record = %v", line)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestHTTPEndpointAllDataBackup(t *testing.T) {
	ep := &endpoint{}
	run(t, func(e *env) {
		c := httpConf(60)
		c.S3BackupMode = firehose.S3BackupAllData
		c.S3Configuration.Prefix = "all/"
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: c})
		e.put(d, "a", "b")
		e.advance(time.Minute)
		if n := len(ep.calls()); n != 1 {
			t.Fatalf("%d requests", n)
		}
		if objs := e.bucket().Objects("all/2026/11/25/11/web-1-"); len(objs) != 1 || string(objs[0].Body) != "ab" {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestDescribeHidesSecrets(t *testing.T) {
	run(t, func(e *env) {
		e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(60)})
		out, err := e.svc.DescribeDeliveryStream(e.ctx, firehose.DescribeDeliveryStreamInput{DeliveryStreamName: "web"})
		if err != nil {
			t.Fatal(err)
		}
		h := out.DeliveryStreamDescription.Destinations[0].HttpEndpointDestinationDescription
		if h.EndpointConfiguration.AccessKey != "" || h.EndpointConfiguration.Url != "https://example.com/ingest" ||
			*h.RetryOptions.DurationInSeconds != 60 || h.S3BackupMode != firehose.S3BackupFailedDataOnly {
			t.Fatalf("description = %+v %+v", h, h.EndpointConfiguration)
		}
	})
}

// bulkPartial answers the first _bulk request with the second document
// failed, and later ones with success.
type bulkPartial struct {
	mu     sync.Mutex
	bodies []string
}

func (b *bulkPartial) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	b.mu.Lock()
	b.bodies = append(b.bodies, string(body))
	first := len(b.bodies) == 1
	b.mu.Unlock()
	answer := `{"errors":false,"items":[]}`
	if first {
		answer = `{"errors":true,"items":[{"index":{"status":201}},{"index":{"status":429,"error":{"type":"es_rejected_execution_exception"}}},{"index":{"status":201}}]}`
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(answer)), Request: req}, nil
}

func TestOpenSearchRetriesFailedDocumentsOnly(t *testing.T) {
	ep := &bulkPartial{}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "logs", AmazonopensearchserviceDestinationConfiguration: &firehose.OpenSearchDestinationConfiguration{
			RoleARN: roleARN, ClusterEndpoint: "https://search.example.com", IndexName: "logs", IndexRotationPeriod: firehose.NoRotation,
			BufferingHints:  &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)},
			S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN}}})
		e.put(d, `{"a":1}`, `{"a":2}`, `{"a":3}`)
		e.advance(time.Minute)
		e.advance(2 * time.Second)
		ep.mu.Lock()
		defer ep.mu.Unlock()
		if len(ep.bodies) != 2 {
			t.Fatalf("%d bulk requests, want 2", len(ep.bodies))
		}
		lines := strings.Split(strings.TrimSpace(ep.bodies[1]), "\n")
		if len(lines) != 2 || lines[1] != `{"a":2}` || !strings.Contains(lines[0], `-1"`) {
			t.Fatalf("retry body = %q", ep.bodies[1])
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

// hec is a Splunk HEC with indexer acknowledgement: events get ackIds,
// and an ack turns true after ackAfter polls (never when negative).
type hec struct {
	mu       sync.Mutex
	ackAfter int
	posts    int
	polls    int
}

func (h *hec) RoundTrip(req *http.Request) (*http.Response, error) {
	_, _ = io.ReadAll(req.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	var answer string
	if strings.HasSuffix(req.URL.Path, "/ack") {
		h.polls++
		answer = fmt.Sprintf(`{"acks":{"%d":%v}}`, h.posts-1, h.ackAfter >= 0 && h.polls > h.ackAfter)
	} else {
		answer = fmt.Sprintf(`{"text":"Success","code":0,"ackId":%d}`, h.posts)
		h.posts++
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(answer)), Request: req}, nil
}

func splunkConf(retry int) *firehose.SplunkDestinationConfiguration {
	return &firehose.SplunkDestinationConfiguration{HECEndpoint: "https://splunk.example.com:8088", HECEndpointType: "Raw", HECToken: "tok",
		BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(10)},
		RetryOptions:   &firehose.RetryOptions{DurationInSeconds: new(retry)},
		S3Configuration: &firehose.S3DestinationConfiguration{RoleARN: roleARN, BucketARN: bucketARN, ErrorOutputPrefix: "failed/",
			BufferingHints: &firehose.BufferingHints{SizeInMBs: new(1), IntervalInSeconds: new(60)}}}
}

func TestSplunkAcknowledgement(t *testing.T) {
	ep := &hec{ackAfter: 2}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "hec", SplunkDestinationConfiguration: splunkConf(60)})
		e.put(d, "event")
		e.advance(10 * time.Second)
		m, _ := d.Metrics(e.ctx)
		if ep.posts != 1 || m["DeliveryToSplunk.Success"] != 0 {
			t.Fatalf("posts %d, success %v before the acknowledgement", ep.posts, m["DeliveryToSplunk.Success"])
		}
		for range 3 {
			e.advance(firehose.SplunkAckPollInterval)
		}
		m, _ = d.Metrics(e.ctx)
		if ep.polls != 3 || m["DeliveryToSplunk.Success"] != 1 || ep.posts != 1 {
			t.Fatalf("polls %d, posts %d, success %v", ep.polls, ep.posts, m["DeliveryToSplunk.Success"])
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestSplunkAcknowledgementTimeout(t *testing.T) {
	ep := &hec{ackAfter: -1}
	run(t, func(e *env) {
		// With RetryOptions 0 s, an acknowledgement timeout is final.
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "hec", SplunkDestinationConfiguration: splunkConf(0)})
		e.put(d, "event")
		e.advance(10 * time.Second)
		for range 19 { // 180 s of polls: the default HECAcknowledgmentTimeoutInSeconds
			e.advance(firehose.SplunkAckPollInterval)
		}
		ep.mu.Lock()
		posts := ep.posts
		ep.mu.Unlock()
		if posts != 1 {
			t.Fatalf("posts = %d with RetryOptions 0 s, want 1", posts)
		}
		for range 40 {
			e.advance(firehose.SplunkAckPollInterval)
		}
		if objs := e.bucket().Objects("failed/"); len(objs) != 1 || !strings.Contains(string(objs[0].Body), "Splunk.AckTimeout") {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}

func TestFailedRecordsKeepTheirArrival(t *testing.T) {
	ep := &endpoint{statuses: []int{500}}
	run(t, func(e *env) {
		d := e.create(firehose.CreateDeliveryStreamInput{DeliveryStreamName: "web", HttpEndpointDestinationConfiguration: httpConf(0)})
		e.put(d, "first")
		e.advance(20 * time.Second)
		e.put(d, "second")
		e.advance(40 * time.Second) // the buffer's 60 s: one attempt, no retry time
		e.advance(5 * time.Minute)  // the error output's buffer
		objs := e.bucket().Objects("failed/")
		if len(objs) != 1 {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
		var got []int64
		for _, line := range strings.Split(strings.TrimSpace(string(objs[0].Body)), "\n") {
			var r struct{ ArrivalTimestamp int64 }
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			got = append(got, r.ArrivalTimestamp)
		}
		if len(got) != 2 || got[0] != epoch.UnixMilli() || got[1] != epoch.Add(20*time.Second).UnixMilli() {
			t.Fatalf("arrivalTimestamps = %v", got)
		}
	}, firehose.WithHTTPClient(&http.Client{Transport: ep}))
}
