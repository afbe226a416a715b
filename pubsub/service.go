package pubsub

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/btree"

	"github.com/sluicehq/sluice/queue"
)

// Service is Amazon SNS for one AWS account in one region. Its methods are
// the control-plane operations; publishing and subscribing are on [Topic],
// subscription attributes on [Subscription].
//
// A Service is safe for concurrent use.
type Service struct {
	cfg config

	mu         sync.Mutex
	closed     atomic.Bool
	rng        *rand.Rand
	topics     *btree.BTreeG[*Topic] // by name
	fifoTopics int

	// regMu guards the endpoints and the outbox. It is a leaf: deliveries
	// take it with no other lock held, or under a FIFO topic's delivery
	// lock.
	regMu     sync.Mutex
	queues    map[string]*queue.Queue
	functions map[string]FunctionHandler
	firehoses map[string]FirehoseDeliverer
	outbox    []OutboxMessage
	// queueCache holds the queues of WithQueues that sqs deliveries found,
	// by ARN (see sendToQueue).
	queueCache map[string]*queue.Queue

	signOnce sync.Once
	signer   *signer // set by signOnce (see signingKey)

	bg background // http attempts in flight
}

const btreeDegree = 32

// New returns a Service with no topics.
func New(opts ...Option) *Service {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Service{
		cfg:       cfg,
		rng:       rand.New(cfg.rand),
		topics:    btree.NewG(btreeDegree, func(a, b *Topic) bool { return a.name < b.name }),
		queues:    map[string]*queue.Queue{},
		functions: map[string]FunctionHandler{},
		firehoses: map[string]FirehoseDeliverer{},
	}
	s.bg.ctx, s.bg.cancel = context.WithCancel(context.Background())
	return s
}

// Close makes every later call return ErrServiceUnavailable, drops
// pending retries, stopping their timers, and cancels the http attempts in
// flight, returning once they have ended. It is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed.Store(true)
	s.topics.Ascend(func(t *Topic) bool {
		t.mu.Lock()
		t.stopRetriesLocked()
		t.mu.Unlock()
		return true
	})
	s.mu.Unlock()
	s.bg.stop()
	return nil
}

func (s *Service) topicARN(name string) string {
	return "arn:aws:sns:" + s.cfg.region + ":" + s.cfg.account + ":" + name
}

// newUUIDLocked returns a random version-4 UUID. s.mu must be held.
func (s *Service) newUUIDLocked() string { return newUUID(s.rng) }

func newUUID(r *rand.Rand) string {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (8 * i))
		b[8+i] = byte(lo >> (8 * i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:36], b[10:16])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
}

// Topic limits.
const (
	MaxTopicNameLength = 256
	// MaxTopics and MaxFifoTopics are AWS's default quotas per account
	// and region.
	MaxTopics     = 100000
	MaxFifoTopics = 1000
	// ListPageSize is how many entries ListTopics, ListSubscriptions and
	// ListSubscriptionsByTopic return per page, as AWS does.
	ListPageSize = 100
)

// CreateTopicInput is the input of [Service.CreateTopic].
type CreateTopicInput struct {
	// Name: 1..256 characters of [A-Za-z0-9_-]; a FIFO topic's ends in
	// ".fifo", a standard topic's must not.
	Name string
	// Attributes are topic attributes by AWS name (FifoTopic,
	// ContentBasedDeduplication, DisplayName, Policy, ...).
	Attributes map[string]string
	// Tags are applied only when the topic is new; an existing topic with
	// other tags is an error.
	Tags map[string]string
	// DataProtectionPolicy is stored, not enforced.
	DataProtectionPolicy string
}

// CreateTopic creates a topic, or returns the existing one of that name
// when the given attributes and tags match it.
func (s *Service) CreateTopic(ctx context.Context, in CreateTopicInput) (*Topic, error) {
	fifo := false
	if v, ok := in.Attributes[AttrFifoTopic]; ok {
		switch strings.ToLower(v) {
		case "true":
			fifo = true
		case "false":
		default:
			return nil, errParam("Attributes Reason: FifoTopic: Invalid value [%s]. Must be true or false.", v)
		}
	}
	if !validTopicName(in.Name, fifo) {
		return nil, errParam("Topic Name")
	}
	st := defaultTopicSettings(fifo)
	for _, k := range slices.Sorted(maps.Keys(in.Attributes)) {
		if k == AttrFifoTopic {
			continue
		}
		if err := st.set(k, in.Attributes[k], "Attributes Reason: "); err != nil {
			return nil, err
		}
	}
	if in.DataProtectionPolicy != "" {
		if err := st.set(AttrDataProtectionPolicy, in.DataProtectionPolicy, "Attributes Reason: "); err != nil {
			return nil, err
		}
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, errClosed()
	}
	if t, ok := s.topics.Get(&Topic{name: in.Name}); ok {
		return t, t.sameAs(fifo, in, st)
	}
	if fifo && s.fifoTopics >= MaxFifoTopics || !fifo && s.topics.Len()-s.fifoTopics >= MaxTopics {
		return nil, ErrTopicLimitExceeded.WithMessage("Topic limit exceeded")
	}
	t := newTopic(s, in.Name, fifo, st, in.Tags, s.rng.Uint64(), s.rng.Uint64())
	s.topics.ReplaceOrInsert(t)
	if fifo {
		s.fifoTopics++
	}
	return t, nil
}

// validTopicName applies SNS's name rules.
func validTopicName(name string, fifo bool) bool {
	base, isFifoName := strings.CutSuffix(name, ".fifo")
	if len(name) < 1 || len(name) > MaxTopicNameLength || base == "" || isFifoName != fifo {
		return false
	}
	for i := 0; i < len(base); i++ {
		c := base[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TopicFromARN returns the topic an ARN names: InvalidParameter for a
// malformed ARN, NotFound for one that names no topic of this Service.
func (s *Service) TopicFromARN(arn string) (*Topic, error) {
	return s.topicFromARN(arn, "TopicArn")
}

// topicFromARN is TopicFromARN naming the parameter in its errors.
func (s *Service) topicFromARN(arn, param string) (*Topic, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 {
		return nil, errParam("%s Reason: An ARN must have at least 6 elements, not %d", param, len(parts))
	}
	if parts[0] != "arn" || parts[2] != "sns" || len(parts) != 6 {
		return nil, errParam("%s", param)
	}
	if parts[3] != s.cfg.region || parts[4] != s.cfg.account {
		return nil, errTopicNotFound()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return nil, errClosed()
	}
	t, ok := s.topics.Get(&Topic{name: parts[5]})
	if !ok {
		return nil, errTopicNotFound()
	}
	return t, nil
}

// DeleteTopicInput is the input of [Service.DeleteTopic].
type DeleteTopicInput struct {
	TopicArn string
}

// DeleteTopicOutput is empty, as in AWS.
type DeleteTopicOutput struct{}

// DeleteTopic deletes a topic and all its subscriptions. Deleting a topic
// that does not exist succeeds, as on AWS. Handles on the topic and its
// subscriptions return NotFound from then on.
func (s *Service) DeleteTopic(ctx context.Context, in DeleteTopicInput) (DeleteTopicOutput, error) {
	t, err := s.TopicFromARN(in.TopicArn)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == ErrNotFound.Code {
			return DeleteTopicOutput{}, nil
		}
		return DeleteTopicOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.topics.Get(t); !ok || cur != t {
		return DeleteTopicOutput{}, nil
	}
	s.topics.Delete(t)
	if t.fifo {
		s.fifoTopics--
	}
	t.mu.Lock()
	t.deleted = true
	t.stopRetriesLocked()
	t.subs.Ascend(func(sub *Subscription) bool {
		sub.deleted = true
		return true
	})
	t.subs.Clear(false)
	clear(t.subsByKey)
	clear(t.subsByARN)
	t.mu.Unlock()
	return DeleteTopicOutput{}, nil
}

// ListTopicsInput is the input of [Service.ListTopics].
type ListTopicsInput struct {
	NextToken string
}

// ListTopicsOutput is the output of [Service.ListTopics]: up to 100 topic
// ARNs in name order, and a NextToken when more follow.
type ListTopicsOutput struct {
	Topics    []string
	NextToken string
}

// ListTopics lists the topics' ARNs, 100 per page.
func (s *Service) ListTopics(ctx context.Context, in ListTopicsInput) (ListTopicsOutput, error) {
	after, err := decodeToken(in.NextToken, "t")
	if err != nil {
		return ListTopicsOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return ListTopicsOutput{}, errClosed()
	}
	var out ListTopicsOutput
	last := ""
	s.topics.AscendGreaterOrEqual(&Topic{name: after}, func(t *Topic) bool {
		if in.NextToken != "" && t.name == after {
			return true
		}
		if len(out.Topics) == ListPageSize {
			out.NextToken = encodeToken("t", last)
			return false
		}
		out.Topics = append(out.Topics, t.arn)
		last = t.name
		return true
	})
	return out, nil
}

// encodeToken and decodeToken make the opaque NextToken of a list: a kind
// letter and the last key returned.
func encodeToken(kind, last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + last))
}

func decodeToken(tok, kind string) (string, error) {
	if tok == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(raw), kind+":") {
		return "", errParam("NextToken")
	}
	return string(raw[len(kind)+1:]), nil
}
