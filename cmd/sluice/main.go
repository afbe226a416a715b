// Command sluice serves Amazon SQS, SNS, Kinesis Data Streams, Data Firehose and Kinesis Data Analytics (the v1
// SQL API), in memory, on one port, for AWS SDKs and CLIs of any language:
//
//	go run ./cmd/sluice                     # 127.0.0.1:4566
//	AWS_ENDPOINT_URL=http://127.0.0.1:4566 aws sqs list-queues
//
// Flags:
//
//	-addr 127.0.0.1:4566   listen address (localhost only unless told otherwise)
//	-region us-east-1      region of queue URLs and ARNs
//	-account 123456789012  account id of queue URLs and ARNs
//	-clock real|manual     manual: time moves only through the admin endpoint
//	-log-level info        debug logs every request
//
// Admin endpoints, under /_sluice/:
//
//	GET  /_sluice/health                 {"status":"ok"}
//	GET  /_sluice/clock                  {"now":"<RFC 3339>","manual":true|false}
//	POST /_sluice/clock/advance?by=5m    manual clock only: move time forward
//	GET  /_sluice/s3/<bucket>/           the keys Firehose delivered to a bucket, as JSON
//	GET  /_sluice/s3/<bucket>/<key>      one delivered object
//	GET  /_sluice/sns/outbox             what SNS sent to email, sms and application endpoints
//
// Requests from web pages are allowed (CORS), so the AWS SDK for JavaScript
// works in a browser too. SIGINT or SIGTERM stops the server gracefully.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sluicehq/sluice/analytics"
	"github.com/sluicehq/sluice/awsapi"
	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
	"github.com/sluicehq/sluice/stream"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "sluice:", err)
		os.Exit(1)
	}
}

// Server timeouts. Writes may last as long as a long poll (20 s) or a
// SubscribeToShard stream (5 min).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 2 * time.Minute
	writeTimeout      = 6 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 10 * time.Second
)

// run serves until ctx is done, then shuts down gracefully. ready, if not
// nil, is called with the listening address once requests are accepted.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("sluice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4566", "listen address")
	region := fs.String("region", "us-east-1", "AWS region of URLs and ARNs")
	account := fs.String("account", "123456789012", "AWS account id of URLs and ARNs")
	clockMode := fs.String("clock", "real", "real, or manual: time moves only by POST /_sluice/clock/advance?by=<duration>")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error; debug logs every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	wall := clock.New()
	var clk clock.Clock = wall
	var mock *clock.Mock
	switch *clockMode {
	case "real":
	case "manual":
		mock = clock.NewMock()
		mock.Set(wall.Now().UTC().Truncate(time.Second))
		clk = mock
	default:
		return fmt.Errorf("-clock must be real or manual, not %q", *clockMode)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()

	queues := queue.New(queue.WithClock(clk), queue.WithRegion(*region), queue.WithAccount(*account), queue.WithLogger(log))
	topics := pubsub.New(pubsub.WithClock(clk), pubsub.WithRegion(*region), pubsub.WithAccount(*account),
		pubsub.WithLogger(log), pubsub.WithQueues(queues), pubsub.WithEndpointURL(base))
	streams := stream.New(stream.WithClock(clk), stream.WithRegion(*region), stream.WithAccount(*account), stream.WithLogger(log))
	hoses := firehose.New(firehose.WithClock(clk), firehose.WithRegion(*region), firehose.WithAccount(*account),
		firehose.WithLogger(log), firehose.WithStreams(streams))
	// Analytics applications read Kinesis streams, Firehose delivery
	// streams and reference data from the buckets Firehose delivers to;
	// their outputs reach streams and delivery streams through the handler.
	apps := analytics.New(analytics.WithClock(clk), analytics.WithRegion(*region), analytics.WithAccount(*account),
		analytics.WithLogger(log), analytics.WithStreams(streams), analytics.WithFirehose(hoses),
		analytics.WithObjects(analytics.FirehoseObjects(hoses)))
	defer func() {
		_ = apps.Close()
		_ = queues.Close()
		_ = topics.Close()
		_ = streams.Close()
		_ = hoses.Close()
	}()

	mux := http.NewServeMux()
	mux.Handle("/", awsapi.New(awsapi.WithQueues(queues), awsapi.WithPubSub(topics), awsapi.WithStreams(streams),
		awsapi.WithFirehose(hoses), awsapi.WithAnalytics(apps), awsapi.WithLogger(log)))
	admin := &admin{clock: clk, mock: mock, hoses: hoses, topics: topics}
	mux.HandleFunc("GET /_sluice/health", admin.health)
	mux.HandleFunc("GET /_sluice/clock", admin.now)
	mux.HandleFunc("POST /_sluice/clock/advance", admin.advance)
	mux.HandleFunc("GET /_sluice/s3/{bucket}/{key...}", admin.object)
	mux.HandleFunc("GET /_sluice/sns/outbox", admin.outbox)

	srv := &http.Server{Handler: withCORS(mux), ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// HTTP/1.1, and HTTP/2 without TLS (prior knowledge), which the
	// JavaScript SDK's Kinesis client speaks.
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("sluice listening", "addr", ln.Addr().String(), "region", *region, "account", *account, "clock", *clockMode)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("sluice shutting down")
	sctx, cancel := wall.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// Long polls end at once with an error rather than hold the shutdown;
	// analytics applications stop reading their streams first.
	_ = apps.Close()
	_ = queues.Close()
	_ = streams.Close()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// withCORS lets the AWS SDK for JavaScript call sluice from a web page:
// preflight requests are answered, and every answer names the headers the
// SDK reads.
func withCORS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-query-error, x-amzn-ErrorType, Date")
		w.Header().Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			if hdrs := r.Header.Get("Access-Control-Request-Headers"); hdrs != "" {
				w.Header().Set("Access-Control-Allow-Headers", hdrs)
			}
			w.Header().Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// admin serves the /_sluice/ endpoints.
type admin struct {
	clock  clock.Clock
	mock   *clock.Mock // nil with the real clock
	mu     sync.Mutex  // Mock.Add is for one goroutine at a time
	hoses  *firehose.Service
	topics *pubsub.Service
}

// outbox serves the messages SNS sent to endpoints sluice records instead
// of reaching (email, email-json, sms, application), oldest first.
func (a *admin) outbox(w http.ResponseWriter, _ *http.Request) {
	msgs := a.topics.Outbox()
	if msgs == nil {
		msgs = []pubsub.OutboxMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

// object serves what Firehose delivered to an in-memory bucket: its keys
// when no key is given, else the object.
func (a *admin) object(w http.ResponseWriter, r *http.Request) {
	b := a.hoses.Bucket("arn:aws:s3:::" + r.PathValue("bucket"))
	if b == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "the bucket is not an in-memory bucket"})
		return
	}
	key := r.PathValue("key")
	if key == "" {
		keys := b.Keys()
		if keys == nil {
			keys = []string{}
		}
		writeJSON(w, http.StatusOK, map[string][]string{"keys": keys})
		return
	}
	body, ok := b.Object(key)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such key"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (a *admin) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *admin) now(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"now": a.clock.Now().UTC().Format(time.RFC3339Nano), "manual": a.mock != nil})
}

// advance moves the manual clock forward by ?by=<Go duration>, firing what
// falls due on the way.
func (a *admin) advance(w http.ResponseWriter, r *http.Request) {
	if a.mock == nil {
		writeJSON(w, http.StatusConflict, map[string]string{"error": "the clock is real; start sluice with -clock manual"})
		return
	}
	by, err := time.ParseDuration(strings.TrimSpace(r.URL.Query().Get("by")))
	if err != nil || by < 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "by must be a non-negative duration such as 5m or 1h30m"})
		return
	}
	a.mu.Lock()
	a.mock.Add(by)
	now := a.mock.Now()
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"now": now.UTC().Format(time.RFC3339Nano), "manual": true})
}
