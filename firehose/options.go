package firehose

import (
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// Option configures the environment of a [Service]: its clock, account,
// region, randomness, logger, the HTTP client destinations are called with
// and the Go functions standing in for Lambda. AWS requests are validated
// by operations, never by options.
type Option func(*config)

type config struct {
	clock      clock.Clock
	account    string
	region     string
	rand       rand.Source
	logger     *slog.Logger
	http       *http.Client
	transition time.Duration
	functions  map[string]TransformFunc
	streams    *stream.Service
	throttling bool
}

func defaultConfig() config {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	return config{
		clock:     clock.New(),
		account:   "123456789012",
		region:    "us-east-1",
		rand:      rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])),
		logger:    slog.New(slog.DiscardHandler),
		http:      http.DefaultClient,
		functions: map[string]TransformFunc{},
	}
}

// WithClock sets the clock every time rule reads (default: the real clock):
// buffer intervals, retries, status transitions, object names. Tests pass a
// mock clock, usually inside testing/synctest.
func WithClock(c clock.Clock) Option {
	if c == nil {
		panic("firehose: WithClock(nil)")
	}
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the AWS account id in ARNs (default "123456789012").
func WithAccount(id string) Option { return func(cfg *config) { cfg.account = id } }

// WithRegion sets the AWS region in ARNs (default "us-east-1").
func WithRegion(r string) Option { return func(cfg *config) { cfg.region = r } }

// WithRand sets the source of record ids, object-name UUIDs,
// !{firehose:random-string} values, request ids and retry jitter (default:
// seeded from crypto/rand). A fixed seed makes them repeat from run to run.
func WithRand(src rand.Source) Option {
	if src == nil {
		panic("firehose: WithRand(nil)")
	}
	return func(cfg *config) { cfg.rand = src }
}

// WithLogger sets the logger (default: silent). Failed deliveries are
// logged at Warn.
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("firehose: WithLogger(nil)")
	}
	return func(cfg *config) { cfg.logger = l }
}

// WithHTTPClient sets the client HTTP endpoint, OpenSearch and Splunk
// destinations are called with (default http.DefaultClient).
func WithHTTPClient(c *http.Client) Option {
	if c == nil {
		panic("firehose: WithHTTPClient(nil)")
	}
	return func(cfg *config) { cfg.http = c }
}

// WithTransitionDelay sets how long a delivery stream stays CREATING or
// DELETING and encryption ENABLING or DISABLING, on the clock (default 0:
// every transition is over when the call returns). AWS takes seconds; a
// positive delay lets a test watch the intermediate states.
func WithTransitionDelay(d time.Duration) Option {
	return func(cfg *config) { cfg.transition = max(d, 0) }
}

// WithFunction registers fn as the Lambda function with the given ARN
// (see [Service.FunctionARN]), the transform a Lambda processor names by
// LambdaArn. [Service.RegisterFunction] does the same after New.
func WithFunction(arn string, fn TransformFunc) Option {
	if fn == nil {
		panic("firehose: WithFunction(nil)")
	}
	return func(cfg *config) { cfg.functions[arn] = fn }
}

// WithThrottling switches the Direct PUT throughput quotas on or off
// (default off): 500,000 records, 2,000 requests and 5 MiB per second
// and delivery stream in us-east-1, us-west-2 and eu-west-1, 100,000,
// 1,000 and 1 MiB elsewhere, counted per second of the clock. On, a
// PutRecordBatch entry over the records or bytes quota fails with
// ServiceUnavailableException "Slow down." (FailedPutCount), and a request
// over the requests quota fails whole.
func WithThrottling(on bool) Option { return func(cfg *config) { cfg.throttling = on } }
