package analytics

import (
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/stream"
)

// Option configures the environment of a [Service]: its clock, account,
// region, randomness, logger, how long status transitions take and where
// reference data objects are read from. AWS requests are validated by
// operations, never by options.
type Option func(*config)

type config struct {
	clock      clock.Clock
	account    string
	region     string
	rand       rand.Source
	logger     *slog.Logger
	transition time.Duration
	objects    ObjectStore
	retry      time.Duration
	streams    *stream.Service
	firehoses  *firehose.Service
}

func defaultConfig() config {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	return config{
		clock:   clock.New(),
		account: "123456789012",
		region:  "us-east-1",
		rand:    rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])),
		logger:  slog.New(slog.DiscardHandler),
		retry:   time.Second,
	}
}

// WithClock sets the clock that stamps ROWTIME and closes windows
// (default: the real clock). Tests pass a mock clock, usually inside
// testing/synctest.
func WithClock(c clock.Clock) Option {
	if c == nil {
		panic("analytics: WithClock(nil)")
	}
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the AWS account id in application ARNs (default
// "123456789012").
func WithAccount(id string) Option { return func(cfg *config) { cfg.account = id } }

// WithRegion sets the AWS region in application ARNs (default "us-east-1").
func WithRegion(r string) Option { return func(cfg *config) { cfg.region = r } }

// WithRand sets the source of invocation ids and RANDOM_CUT_FOREST sampling
// (default: seeded from crypto/rand). A fixed seed makes anomaly scores
// repeat from run to run.
func WithRand(src rand.Source) Option {
	if src == nil {
		panic("analytics: WithRand(nil)")
	}
	return func(cfg *config) { cfg.rand = src }
}

// WithLogger sets the logger (default: silent).
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("analytics: WithLogger(nil)")
	}
	return func(cfg *config) { cfg.logger = l }
}

// WithTransitionDelay sets how long an application stays STARTING,
// STOPPING, UPDATING or DELETING before reaching the next status, on the
// clock (default 0: transitions complete within the call).
func WithTransitionDelay(d time.Duration) Option {
	return func(cfg *config) { cfg.transition = max(d, 0) }
}

// WithObjects sets where reference data sources are read from (an
// S3ReferenceDataSource's BucketARN and FileKey).
func WithObjects(o ObjectStore) Option { return func(cfg *config) { cfg.objects = o } }

// WithRetryInterval sets how long a failed output delivery waits before it
// is retried, on the clock (default 1 s). Deliveries are retried until
// accepted.
func WithRetryInterval(d time.Duration) Option {
	return func(cfg *config) { cfg.retry = max(d, time.Millisecond) }
}
