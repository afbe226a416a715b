package stream

import (
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

// Option configures the environment of a [Service]: its clock, account,
// region, randomness, logger, how long status transitions take, whether
// throughput limits are enforced and the account's quotas. AWS requests are
// validated by operations, never by options.
type Option func(*config)

type config struct {
	clock       clock.Clock
	account     string
	region      string
	rand        rand.Source
	logger      *slog.Logger
	transition  time.Duration
	throttling  bool
	shardLimit  int
	onDemandMax int
}

func defaultConfig() config {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	return config{
		clock:       clock.New(),
		account:     "123456789012",
		region:      "us-east-1",
		rand:        rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])),
		logger:      slog.New(slog.DiscardHandler),
		throttling:  true,
		shardLimit:  DefaultShardLimit,
		onDemandMax: DefaultOnDemandStreamCountLimit,
	}
}

// Account quotas (the defaults of us-east-1).
const (
	// DefaultShardLimit is the account's shard quota: open shards over all
	// provisioned streams.
	DefaultShardLimit = 20000
	// DefaultOnDemandStreamCountLimit is the number of on-demand streams an
	// account may have.
	DefaultOnDemandStreamCountLimit = 50
)

// WithClock sets the clock every time rule reads (default: the real clock).
// Tests pass a mock clock, usually inside testing/synctest.
func WithClock(c clock.Clock) Option {
	if c == nil {
		panic("stream: WithClock(nil)")
	}
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the AWS account id in ARNs and messages
// (default "123456789012").
func WithAccount(id string) Option { return func(cfg *config) { cfg.account = id } }

// WithRegion sets the AWS region in ARNs (default "us-east-1").
func WithRegion(r string) Option { return func(cfg *config) { cfg.region = r } }

// WithRand sets the source of the keys that sign shard iterators and
// ListShards tokens (default: seeded from crypto/rand). A fixed seed makes
// tokens repeat from run to run.
func WithRand(src rand.Source) Option {
	if src == nil {
		panic("stream: WithRand(nil)")
	}
	return func(cfg *config) { cfg.rand = src }
}

// WithLogger sets the logger (default: silent).
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("stream: WithLogger(nil)")
	}
	return func(cfg *config) { cfg.logger = l }
}

// WithTransitionDelay sets how long a stream stays CREATING, UPDATING or
// DELETING, and a consumer CREATING or DELETING, on the clock (default 0:
// every transition is over when the call returns). AWS takes seconds to
// minutes; a positive delay lets a test watch the intermediate states.
func WithTransitionDelay(d time.Duration) Option {
	return func(cfg *config) { cfg.transition = max(d, 0) }
}

// WithThrottling switches AWS's throughput limits on or off (default on):
// per-shard write and read rates, the GetShardIterator rate and the
// control-plane rates. Off, nothing is ever throttled.
func WithThrottling(on bool) Option { return func(cfg *config) { cfg.throttling = on } }

// WithShardLimit sets the account's shard quota (default
// [DefaultShardLimit]).
func WithShardLimit(n int) Option { return func(cfg *config) { cfg.shardLimit = n } }
