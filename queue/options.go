package queue

import (
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"

	"github.com/sluicehq/sluice/internal/clock"
)

// Option configures the environment of a [Service]: its clock, account,
// region, randomness and logger. AWS requests are validated by operations,
// never by options.
type Option func(*config)

type config struct {
	clock   clock.Clock
	account string
	region  string
	rand    rand.Source
	logger  *slog.Logger
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
	}
}

// WithClock sets the clock every time rule reads (default: the real clock).
// Tests pass a mock clock, usually inside testing/synctest.
func WithClock(c clock.Clock) Option {
	if c == nil {
		panic("queue: WithClock(nil)")
	}
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the AWS account id in queue URLs and ARNs
// (default "123456789012").
func WithAccount(id string) Option { return func(cfg *config) { cfg.account = id } }

// WithRegion sets the AWS region in queue URLs and ARNs (default "us-east-1").
func WithRegion(r string) Option { return func(cfg *config) { cfg.region = r } }

// WithRand sets the source of message ids and receipt handles (default: seeded
// from crypto/rand). A fixed seed makes ids repeat from run to run.
func WithRand(src rand.Source) Option {
	if src == nil {
		panic("queue: WithRand(nil)")
	}
	return func(cfg *config) { cfg.rand = src }
}

// WithLogger sets the logger (default: silent).
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("queue: WithLogger(nil)")
	}
	return func(cfg *config) { cfg.logger = l }
}
