package stream

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ConsumerStatus is an enhanced fan-out consumer's state.
type ConsumerStatus string

// The consumer states: CREATING for the transition delay after
// registration, then ACTIVE; DELETING for the transition delay after
// deregistration, then gone.
const (
	ConsumerStatusCreating ConsumerStatus = "CREATING"
	ConsumerStatusDeleting ConsumerStatus = "DELETING"
	ConsumerStatusActive   ConsumerStatus = "ACTIVE"
)

// Consumer limits.
const (
	MaxConsumers          = 20 // per stream
	MaxConsumersAdvantage = 50 // per stream, with On-demand Advantage
	MaxConsumersCreating  = 5  // per stream
	maxConsumerNameLength = 128
)

// Consumer is a registered enhanced fan-out consumer.
type Consumer struct {
	ConsumerName              string
	ConsumerARN               string
	ConsumerStatus            ConsumerStatus
	ConsumerCreationTimestamp time.Time
}

// ConsumerDescription is a consumer as DescribeStreamConsumer returns it.
type ConsumerDescription struct {
	ConsumerName              string
	ConsumerARN               string
	ConsumerStatus            ConsumerStatus
	ConsumerCreationTimestamp time.Time
	StreamARN                 string
}

// consumer is one registered consumer; its stream's mutex guards it.
type consumer struct {
	name     string
	arn      string
	created  time.Time
	ready    time.Time // end of CREATING
	deleting time.Time // zero until deregistered
	gone     time.Time // end of DELETING
	tags     map[string]string
	policy   string
	// subscribed holds, per shard, the latest successful SubscribeToShard.
	subscribed map[uint32]*Subscription
}

func (c *consumer) statusAt(now time.Time) ConsumerStatus {
	switch {
	case !c.deleting.IsZero():
		return ConsumerStatusDeleting
	case now.Before(c.ready):
		return ConsumerStatusCreating
	}
	return ConsumerStatusActive
}

func (c *consumer) out(now time.Time) Consumer {
	return Consumer{ConsumerName: c.name, ConsumerARN: c.arn, ConsumerStatus: c.statusAt(now), ConsumerCreationTimestamp: c.created}
}

// consumersLocked drops consumers whose DELETING is over and returns the
// rest. s.mu must be held.
func (s *Stream) consumersLocked(now time.Time) []*consumer {
	kept := s.consumers[:0]
	for _, c := range s.consumers {
		if !c.deleting.IsZero() && !now.Before(c.gone) {
			c.endSubscriptionsLocked(ErrResourceNotFoundException.WithMessage("Consumer " + c.arn + " not found."))
			continue
		}
		kept = append(kept, c)
	}
	clear(s.consumers[len(kept):])
	s.consumers = kept
	return kept
}

func (s *Stream) consumerCountLocked(now time.Time) int { return len(s.consumersLocked(now)) }

// deleteConsumersLocked drops every consumer at once, as DeleteStream with
// EnforceConsumerDeletion does. s.mu must be held.
func (s *Stream) deleteConsumersLocked() {
	for _, c := range s.consumers {
		c.endSubscriptionsLocked(ErrResourceNotFoundException.WithMessage("Consumer " + c.arn + " not found."))
	}
	s.consumers = nil
}

// splitConsumerARN splits arn:aws:kinesis:R:A:stream/S/consumer/C:EPOCH.
func splitConsumerARN(arn string) (streamARN, name, epoch string, ok bool) {
	head, tail, found := strings.Cut(arn, "/consumer/")
	if !found {
		return "", "", "", false
	}
	i := strings.LastIndexByte(tail, ':')
	if i <= 0 || i == len(tail)-1 {
		return "", "", "", false
	}
	return head, tail[:i], tail[i+1:], true
}

// consumerByARNLocked finds a consumer by its full ARN. s.mu must be held.
func (s *Stream) consumerByARNLocked(arn, name string, now time.Time) (*consumer, error) {
	for _, c := range s.consumersLocked(now) {
		if c.name == name && c.arn == arn {
			return c, nil
		}
	}
	return nil, errorf(ErrResourceNotFoundException, "Consumer %s not found.", arn)
}

func validateConsumerName(name string) error {
	if name == "" || len(name) > maxConsumerNameLength {
		return errValidationValue(name, "consumerName", "Member must have length between 1 and 128")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return errValidationValue(name, "consumerName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	}
	return nil
}

// RegisterStreamConsumerInput is the input of
// [Service.RegisterStreamConsumer].
type RegisterStreamConsumerInput struct {
	StreamARN    string
	ConsumerName string
	Tags         map[string]string
}

// RegisterStreamConsumerOutput is the output of
// [Service.RegisterStreamConsumer].
type RegisterStreamConsumerOutput struct {
	Consumer Consumer
}

// RegisterStreamConsumer registers an enhanced fan-out consumer, CREATING
// for the transition delay, then ACTIVE. Its ARN ends in its name and the
// second it was registered. A stream has at most 20 consumers (50 with
// On-demand Advantage), at most 5 of them CREATING.
func (svc *Service) RegisterStreamConsumer(ctx context.Context, in RegisterStreamConsumerInput) (RegisterStreamConsumerOutput, error) {
	if err := validateConsumerName(in.ConsumerName); err != nil {
		return RegisterStreamConsumerOutput{}, err
	}
	if err := validateTags(in.Tags); err != nil {
		return RegisterStreamConsumerOutput{}, err
	}
	if in.StreamARN == "" {
		return RegisterStreamConsumerOutput{}, errValidation("streamARN", "Member must not be null")
	}
	s, err := svc.resolve("", in.StreamARN)
	if err != nil {
		return RegisterStreamConsumerOutput{}, err
	}
	if err := svc.rate(ctx, opRegisterConsumer, nil); err != nil {
		return RegisterStreamConsumerOutput{}, err
	}
	limit := MaxConsumers
	if svc.advantage(svc.cfg.clock.Now()) {
		limit = MaxConsumersAdvantage
	}
	now, err := s.lock()
	if err != nil {
		return RegisterStreamConsumerOutput{}, err
	}
	defer s.mu.Unlock()
	creating := 0
	for _, c := range s.consumersLocked(now) {
		if c.name == in.ConsumerName {
			return RegisterStreamConsumerOutput{}, errorf(ErrResourceInUseException,
				"Consumer %s under stream %s already exists for account %s.", c.name, s.name, svc.cfg.account)
		}
		if c.statusAt(now) == ConsumerStatusCreating {
			creating++
		}
	}
	switch {
	case len(s.consumers) >= limit:
		return RegisterStreamConsumerOutput{}, errorf(ErrLimitExceededException,
			"Stream %s under account %s has reached the limit of %d registered consumers.", s.name, svc.cfg.account, limit)
	case creating >= MaxConsumersCreating:
		return RegisterStreamConsumerOutput{}, errorf(ErrLimitExceededException,
			"Stream %s under account %s already has %d consumers in the CREATING state.", s.name, svc.cfg.account, MaxConsumersCreating)
	}
	c := &consumer{
		name:       in.ConsumerName,
		arn:        s.arn + "/consumer/" + in.ConsumerName + ":" + strconv.FormatInt(now.Unix(), 10),
		created:    now,
		ready:      now.Add(svc.cfg.transition),
		tags:       maps.Clone(in.Tags),
		subscribed: map[uint32]*Subscription{},
	}
	if c.tags == nil {
		c.tags = map[string]string{}
	}
	s.consumers = append(s.consumers, c)
	return RegisterStreamConsumerOutput{Consumer: c.out(now)}, nil
}

// StreamConsumerInput names a consumer by its ARN, or by its stream's ARN
// and its name: the input of [Service.DescribeStreamConsumer] and
// [Service.DeregisterStreamConsumer].
type StreamConsumerInput struct {
	StreamARN    string
	ConsumerName string
	ConsumerARN  string
}

// findConsumer resolves a consumer and returns its stream locked.
func (svc *Service) findConsumer(in StreamConsumerInput) (*Stream, *consumer, time.Time, error) {
	streamARN, name := in.StreamARN, in.ConsumerName
	if in.ConsumerARN != "" {
		var ok bool
		if streamARN, name, _, ok = splitConsumerARN(in.ConsumerARN); !ok {
			return nil, nil, time.Time{}, errValidationValue(in.ConsumerARN, "consumerARN",
				`Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`)
		}
	} else if streamARN == "" || name == "" {
		return nil, nil, time.Time{}, errorf(ErrInvalidArgumentException, "Either ConsumerARN or both StreamARN and ConsumerName should be provided.")
	}
	s, err := svc.resolve("", streamARN)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	now, err := s.lock()
	if err != nil {
		return nil, nil, now, err
	}
	for _, c := range s.consumersLocked(now) {
		if c.name == name && (in.ConsumerARN == "" || c.arn == in.ConsumerARN) {
			return s, c, now, nil
		}
	}
	s.mu.Unlock()
	what := in.ConsumerARN
	if what == "" {
		what = name
	}
	return nil, nil, now, errorf(ErrResourceNotFoundException, "Consumer %s not found.", what)
}

// DescribeStreamConsumerOutput is the output of
// [Service.DescribeStreamConsumer].
type DescribeStreamConsumerOutput struct {
	ConsumerDescription ConsumerDescription
}

// DescribeStreamConsumer describes a consumer.
func (svc *Service) DescribeStreamConsumer(ctx context.Context, in StreamConsumerInput) (DescribeStreamConsumerOutput, error) {
	if err := ctx.Err(); err != nil {
		return DescribeStreamConsumerOutput{}, err
	}
	s, c, now, err := svc.findConsumer(in)
	if err != nil {
		return DescribeStreamConsumerOutput{}, err
	}
	defer s.mu.Unlock()
	if err := s.rateLocked(opDescribeConsumer, now); err != nil {
		return DescribeStreamConsumerOutput{}, err
	}
	o := c.out(now)
	return DescribeStreamConsumerOutput{ConsumerDescription: ConsumerDescription{
		ConsumerName: o.ConsumerName, ConsumerARN: o.ConsumerARN, ConsumerStatus: o.ConsumerStatus,
		ConsumerCreationTimestamp: o.ConsumerCreationTimestamp, StreamARN: s.arn,
	}}, nil
}

// DeregisterStreamConsumer makes a consumer DELETING for the transition
// delay, then gone; its subscriptions end at once.
func (svc *Service) DeregisterStreamConsumer(ctx context.Context, in StreamConsumerInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, c, now, err := svc.findConsumer(in)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := s.rateLocked(opDeregisterConsumer, now); err != nil {
		return err
	}
	if c.deleting.IsZero() {
		c.deleting = now
		c.gone = now.Add(svc.cfg.transition)
		c.endSubscriptionsLocked(errorf(ErrResourceNotFoundException, "Consumer %s not found.", c.arn))
		s.consumersLocked(now)
	}
	return nil
}

// ListStreamConsumersInput is the input of [Service.ListStreamConsumers].
type ListStreamConsumersInput struct {
	StreamARN string
	// MaxResults is the most consumers to return: 1..10,000; at most (and
	// by default) 100 are returned.
	MaxResults *int
	NextToken  string
	// StreamCreationTimestamp, if set, must be the stream's.
	StreamCreationTimestamp *time.Time
}

// ListStreamConsumersOutput is the output of [Service.ListStreamConsumers].
type ListStreamConsumersOutput struct {
	Consumers []Consumer
	// NextToken continues the listing for 300 seconds; empty at the end.
	NextToken string
}

// ListStreamConsumers lists a stream's consumers in registration order
// (names breaking ties), at most 100 a page; a NextToken is valid for 300
// seconds.
func (svc *Service) ListStreamConsumers(ctx context.Context, in ListStreamConsumersInput) (ListStreamConsumersOutput, error) {
	limit := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10000 {
			return ListStreamConsumersOutput{}, errValidationValue(*in.MaxResults, "maxResults", "Member must have value between 1 and 10000")
		}
		limit = min(*in.MaxResults, 100)
	}
	var tok consumerToken
	if in.NextToken != "" {
		var ok bool
		if tok, ok = svc.decodeConsumerToken(in.NextToken); !ok {
			return ListStreamConsumersOutput{}, errorf(ErrInvalidArgumentException, "Invalid NextToken.")
		}
	}
	if in.StreamARN == "" {
		return ListStreamConsumersOutput{}, errValidation("streamARN", "Member must not be null")
	}
	s, err := svc.resolve("", in.StreamARN)
	if err != nil {
		return ListStreamConsumersOutput{}, err
	}
	if err := svc.rate(ctx, opListConsumers, s); err != nil {
		return ListStreamConsumersOutput{}, err
	}
	now, err := s.lock()
	if err != nil {
		return ListStreamConsumersOutput{}, err
	}
	defer s.mu.Unlock()
	if in.StreamCreationTimestamp != nil && !in.StreamCreationTimestamp.Equal(s.created) {
		return ListStreamConsumersOutput{}, s.errNotFound()
	}
	if in.NextToken != "" {
		if tok.streamID != s.id {
			return ListStreamConsumersOutput{}, errorf(ErrInvalidArgumentException, "Invalid NextToken.")
		}
		if now.UnixMilli()-tok.issued > NextTokenLifetime.Milliseconds() {
			return ListStreamConsumersOutput{}, errorf(ErrExpiredNextTokenException, "The timestamp for the NextToken has expired. NextToken was issued at %s and the current time is %s.",
				javaDate(time.UnixMilli(tok.issued)), javaDate(now))
		}
	}
	out := ListStreamConsumersOutput{Consumers: []Consumer{}}
	cs := slices.Clone(s.consumersLocked(now))
	slices.SortStableFunc(cs, func(a, b *consumer) int {
		return cmp.Or(a.created.Compare(b.created), strings.Compare(a.name, b.name))
	})
	for _, c := range cs {
		if c.created.UnixNano() < tok.afterNanos || c.created.UnixNano() == tok.afterNanos && c.name <= tok.afterName {
			continue
		}
		if len(out.Consumers) == limit {
			last := out.Consumers[len(out.Consumers)-1]
			out.NextToken = svc.encodeConsumerToken(consumerToken{streamID: s.id, issued: now.UnixMilli(),
				afterNanos: last.ConsumerCreationTimestamp.UnixNano(), afterName: last.ConsumerName})
			break
		}
		out.Consumers = append(out.Consumers, c.out(now))
	}
	return out, nil
}

// consumerToken is what a ListStreamConsumers NextToken carries: the
// stream, when it was issued, and the last consumer listed (consumers are
// listed in registration order, names breaking ties).
type consumerToken struct {
	streamID   uint64
	issued     int64 // unix milliseconds
	afterNanos int64
	afterName  string
}

func (svc *Service) encodeConsumerToken(t consumerToken) string {
	b := []byte{3}
	b = binary.BigEndian.AppendUint64(b, t.streamID)
	b = binary.BigEndian.AppendUint64(b, uint64(t.issued))
	b = binary.BigEndian.AppendUint64(b, uint64(t.afterNanos))
	b = append(b, t.afterName...)
	b = append(b, svc.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (svc *Service) decodeConsumerToken(s string) (consumerToken, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	const head = 1 + 3*8
	if err != nil || strings.ContainsAny(s, "\r\n") || len(b) < head+tokenMACSize || b[0] != 3 {
		return consumerToken{}, false
	}
	payload, sum := b[:len(b)-tokenMACSize], b[len(b)-tokenMACSize:]
	if !hmacEqual(sum, svc.mac(payload)) {
		return consumerToken{}, false
	}
	return consumerToken{
		streamID:   binary.BigEndian.Uint64(payload[1:]),
		issued:     int64(binary.BigEndian.Uint64(payload[9:])),
		afterNanos: int64(binary.BigEndian.Uint64(payload[17:])),
		afterName:  string(payload[head:]),
	}, true
}
