package awsapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/sluicehq/sluice/awsapi"
	sfirehose "github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
	"github.com/sluicehq/sluice/stream"
)

// env is a handler over fresh services on a mock clock, and SDK clients
// pointed at it.
type env struct {
	clock   *clock.Mock
	queues  *queue.Service
	topics  *pubsub.Service
	streams *stream.Service
	kinesis *kinesis.Client
	hoses   *sfirehose.Service
	hose    *firehose.Client
	handler http.Handler
	sqs     *sqs.Client
	sns     *sns.Client
	http    *http.Client // reaches the handler
	base    string       // the endpoint the clients use
}

// transports runs fn once with the in-memory client and once over a
// loopback httptest server.
func transports(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	t.Run("inmemory", func(t *testing.T) { fn(t, newEnv(t, false)) })
	t.Run("loopback", func(t *testing.T) { fn(t, newEnv(t, true)) })
}

func newEnv(t *testing.T, loopback bool) *env {
	t.Helper()
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	e := &env{clock: mock}
	var srv *httptest.Server
	e.base = "http://sluice.local"
	if loopback {
		// The server starts first: SNS messages name its URL.
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.handler.ServeHTTP(w, r) }))
		t.Cleanup(srv.Close)
		e.base = srv.URL
	}
	e.queues = queue.New(queue.WithClock(mock))
	e.topics = pubsub.New(pubsub.WithClock(mock), pubsub.WithQueues(e.queues), pubsub.WithDigestSignatures(),
		pubsub.WithEndpointURL(e.base))
	e.streams = stream.New(stream.WithClock(mock))
	e.hoses = sfirehose.New(sfirehose.WithClock(mock))
	e.handler = awsapi.New(awsapi.WithQueues(e.queues), awsapi.WithPubSub(e.topics), awsapi.WithStreams(e.streams), awsapi.WithFirehose(e.hoses))
	t.Cleanup(func() { _ = e.queues.Close(); _ = e.topics.Close(); _ = e.streams.Close(); _ = e.hoses.Close() })
	if loopback {
		e.http = &http.Client{Transport: bufferBodies{srv.Client().Transport}}
	} else {
		e.http = awsapi.HTTPClient(e.handler)
	}
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")
	e.sqs = sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	e.sns = sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	e.kinesis = kinesis.New(kinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	e.hose = firehose.New(firehose.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.base), HTTPClient: e.http,
		Credentials: creds, RetryMaxAttempts: 1})
	return e
}

// wantAPIError fails unless err is a smithy.APIError with code.
func wantAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("ErrorCode() = %q (%v), want %q", ae.ErrorCode(), err, code)
	}
}

// must returns v, failing the test given to the returned function if err
// is not nil: must(client.Op(ctx, in))(t).
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var ctx = context.Background()

// asError is errors.As, for a pointer to a typed SDK error.
func asError[T error](err error, target *T) bool { return errors.As(err, target) }

// bufferBodies reads each request body before sending it. The Go SDK closes
// a request body once the response headers arrive; over a socket to a
// server that answers within microseconds, that close can race with the
// transport's last read of the body, which then drops the connection under
// the response ("use of closed network connection", aws-sdk-go-v2 issues
// 1825 and 2737; the SDK's default retryer retries it). Tests run with one
// attempt, so they send a copy of the body instead.
type bufferBodies struct{ rt http.RoundTripper }

func (b bufferBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return b.rt.RoundTrip(r)
}
