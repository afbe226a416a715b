package pubsub

import (
	crand "crypto/rand"
	"encoding/binary"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/sluicehq/sluice/internal/clock"
	"github.com/sluicehq/sluice/queue"
)

// Option configures the environment of a [Service]: its clock, account,
// region, randomness, logger, the SQS service its sqs subscriptions deliver
// to and the HTTP client for http/https endpoints. AWS requests are
// validated by operations, never by options.
type Option func(*config)

type config struct {
	clock   clock.Clock
	account string
	region  string
	rand    rand.Source
	logger  *slog.Logger
	queues  *queue.Service
	http    *http.Client
	// digestSignatures replaces RSA signatures by digests (WithDigestSignatures).
	digestSignatures bool
	// endpointURL is the base of the URLs messages carry (WithEndpointURL).
	endpointURL string
	status      func(DeliveryStatus)
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
		http:    http.DefaultClient,
	}
}

// baseURL returns the base of SubscribeURL, UnsubscribeURL and
// SigningCertURL: the one given to WithEndpointURL, else AWS's.
func (c *config) baseURL() string {
	if c.endpointURL != "" {
		return c.endpointURL
	}
	return "https://sns." + c.region + ".amazonaws.com"
}

// WithClock sets the clock every time rule reads (default: the real clock).
// Tests pass a mock clock, usually inside testing/synctest.
func WithClock(c clock.Clock) Option {
	if c == nil {
		panic("pubsub: WithClock(nil)")
	}
	return func(cfg *config) { cfg.clock = c }
}

// WithAccount sets the AWS account id in ARNs (default "123456789012").
func WithAccount(id string) Option { return func(cfg *config) { cfg.account = id } }

// WithRegion sets the AWS region in ARNs and URLs (default "us-east-1").
func WithRegion(r string) Option { return func(cfg *config) { cfg.region = r } }

// WithRand sets the source of message ids, subscription ids and
// confirmation tokens (default: seeded from crypto/rand). A fixed seed
// makes ids repeat from run to run.
func WithRand(src rand.Source) Option {
	if src == nil {
		panic("pubsub: WithRand(nil)")
	}
	return func(cfg *config) { cfg.rand = src }
}

// WithLogger sets the logger (default: silent). Deliveries that fail are
// logged at Warn.
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("pubsub: WithLogger(nil)")
	}
	return func(cfg *config) { cfg.logger = l }
}

// WithQueues sets the SQS service whose queues sqs subscriptions name by
// ARN. Without it only queues given to [Service.RegisterQueue] are reached.
func WithQueues(q *queue.Service) Option { return func(cfg *config) { cfg.queues = q } }

// WithDigestSignatures makes the Signature of every message a base64
// SHA-256 (or SHA-1) digest of AWS's string to sign instead of an RSA
// signature. An RSA signature costs about a millisecond per published
// message, which bounds a topic at about a thousand publishes a second;
// code that never verifies signatures can trade that fidelity for speed.
func WithDigestSignatures() Option { return func(cfg *config) { cfg.digestSignatures = true } }

// WithHTTPClient sets the client http and https endpoints are called with
// (default http.DefaultClient).
func WithHTTPClient(c *http.Client) Option {
	if c == nil {
		panic("pubsub: WithHTTPClient(nil)")
	}
	return func(cfg *config) { cfg.http = c }
}

// WithEndpointURL sets the base URL of the SubscribeURL, UnsubscribeURL
// and SigningCertURL that messages carry (default
// "https://sns.<region>.amazonaws.com", AWS's). A server that answers the
// SNS query protocol at that address (package awsapi, cmd/sluice) makes
// those URLs work when followed. A trailing slash is dropped.
func WithEndpointURL(base string) Option {
	return func(cfg *config) { cfg.endpointURL = strings.TrimRight(base, "/") }
}

// WithDeliveryStatus sets a function called after every delivery attempt
// to an http, https, sqs, lambda or firehose endpoint, with no lock held
// (see [DeliveryStatus]). It must not block for long: http attempts call it
// from their own goroutine, the others from the publishing one or the
// retry timer's.
func WithDeliveryStatus(fn func(DeliveryStatus)) Option {
	return func(cfg *config) { cfg.status = fn }
}
