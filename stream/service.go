package stream

import (
	"context"
	"encoding/base64"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/google/btree"
)

// Service is Amazon Kinesis Data Streams for one AWS account in one region.
// Its methods are the control-plane operations, and the data-plane ones
// that name no stream (GetRecords, SubscribeToShard); the rest of the data
// plane is on [Stream].
//
// A Service is safe for concurrent use. Close it to end every subscription.
type Service struct {
	cfg config
	key [32]byte // signs shard iterators and ListShards tokens

	mu       sync.Mutex
	streams  *btree.BTreeG[*Stream] // by name
	closed   chan struct{}
	rates    map[operation]*bucket // account-wide control-plane rates
	settings accountSettings
}

const btreeDegree = 32

// New returns a Service with no streams.
func New(opts ...Option) *Service {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	svc := &Service{
		cfg:     cfg,
		streams: btree.NewG(btreeDegree, func(a, b *Stream) bool { return a.name < b.name }),
		closed:  make(chan struct{}),
		rates:   map[operation]*bucket{},
	}
	for i := 0; i < len(svc.key); i += 8 {
		v := cfg.rand.Uint64()
		for j := range 8 {
			svc.key[i+j] = byte(v >> (8 * j))
		}
	}
	return svc
}

// Close ends every subscription with ErrInternalFailure; every later call
// returns it too. Close is idempotent.
func (svc *Service) Close() error {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return nil
	}
	close(svc.closed)
	svc.streams.Ascend(func(s *Stream) bool {
		s.mu.Lock()
		s.wakeAllLocked()
		s.mu.Unlock()
		return true
	})
	return nil
}

func (svc *Service) isClosed() bool {
	select {
	case <-svc.closed:
		return true
	default:
		return false
	}
}

func (svc *Service) streamARN(name string) string {
	return "arn:aws:kinesis:" + svc.cfg.region + ":" + svc.cfg.account + ":stream/" + name
}

// resolve finds a stream by name or ARN.
func (svc *Service) resolve(name, arn string) (*Stream, error) {
	if arn != "" {
		rest, ok := strings.CutPrefix(arn, "arn:aws:kinesis:")
		parts := strings.SplitN(rest, ":", 3)
		if !ok || len(parts) != 3 || !strings.HasPrefix(parts[2], "stream/") || len(parts[2]) == len("stream/") {
			return nil, errValidationValue(arn, "streamARN",
				"Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")
		}
		arnName := parts[2][len("stream/"):]
		if name != "" && name != arnName {
			return nil, errorf(ErrInvalidArgumentException, "StreamARN %s and StreamName %s refer to different streams.", arn, name)
		}
		if parts[0] != svc.cfg.region || parts[1] != svc.cfg.account {
			return nil, errorf(ErrResourceNotFoundException, "Stream %s under account %s not found.", arnName, parts[1])
		}
		name = arnName
	}
	if name == "" {
		return nil, errorf(ErrInvalidArgumentException, "Either StreamName or StreamARN should be provided.")
	}
	if err := validateStreamName(name); err != nil {
		return nil, err
	}
	return svc.lookup(name)
}

// lookup finds a stream by name, forgetting it if it is gone.
func (svc *Service) lookup(name string) (*Stream, error) {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return nil, errClosed()
	}
	s, ok := svc.streams.Get(&Stream{name: name})
	if ok {
		s.mu.Lock()
		s.catchUpLocked(s.mono.Now(svc.cfg.clock))
		gone := s.gone
		s.mu.Unlock()
		if !gone {
			return s, nil
		}
		svc.streams.Delete(s)
	}
	return nil, errorf(ErrResourceNotFoundException, "Stream %s under account %s not found.", name, svc.cfg.account)
}

// Stream returns the handle of the stream with this name or ARN.
func (svc *Service) Stream(nameOrARN string) (*Stream, error) {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return svc.resolve("", nameOrARN)
	}
	return svc.resolve(nameOrARN, "")
}

// liveLocked calls f for every stream not yet gone, brought up to the
// clock.
// svc.mu must be held; f runs with the stream locked.
func (svc *Service) liveLocked(f func(s *Stream) bool) {
	var gone []*Stream
	svc.streams.Ascend(func(s *Stream) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.catchUpLocked(s.mono.Now(svc.cfg.clock))
		if s.gone {
			gone = append(gone, s)
			return true
		}
		return f(s)
	})
	for _, s := range gone {
		svc.streams.Delete(s)
	}
}

// CreateStreamInput is the input of [Service.CreateStream].
type CreateStreamInput struct {
	// StreamName: 1..128 characters of [a-zA-Z0-9_.-], unique in the
	// account and region.
	StreamName string
	// ShardCount is required for a provisioned stream (1 or more). An
	// on-demand stream starts with 4 shards and ignores it.
	ShardCount *int
	// StreamModeDetails selects the capacity mode (default PROVISIONED).
	StreamModeDetails *StreamModeDetails
	// MaxRecordSizeInKiB is the largest record (partition key plus data)
	// the stream takes: 1024..10240, default 1024.
	MaxRecordSizeInKiB *int
	// WarmThroughputMiBps is an on-demand stream's warm throughput; it
	// needs On-demand Advantage ([Service.UpdateAccountSettings]).
	WarmThroughputMiBps *int
	Tags                map[string]string
}

// CreateStream creates a stream, CREATING for the transition delay, then
// ACTIVE, and returns its handle. Shards are numbered from
// shardId-000000000000 and split the hash-key space evenly: shard i starts at
// i*floor(2^128/N), and the last one absorbs the remainder.
func (svc *Service) CreateStream(ctx context.Context, in CreateStreamInput) (*Stream, error) {
	if err := validateStreamName(in.StreamName); err != nil {
		return nil, err
	}
	mode := StreamModeProvisioned
	if in.StreamModeDetails != nil {
		mode = in.StreamModeDetails.StreamMode
		if mode != StreamModeProvisioned && mode != StreamModeOnDemand {
			return nil, errValidationValue(mode, "streamModeDetails.streamMode",
				"Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]")
		}
	}
	shards := OnDemandInitialShards
	if mode == StreamModeProvisioned {
		if in.ShardCount == nil {
			return nil, errorf(ErrInvalidArgumentException, "Shard count must be specified for streams in PROVISIONED mode.")
		}
		if *in.ShardCount < 1 {
			return nil, errValidationValue(*in.ShardCount, "shardCount", "Member must have value greater than or equal to 1")
		}
		shards = *in.ShardCount
	}
	maxKiB := DefaultMaxRecordSizeKiB
	if in.MaxRecordSizeInKiB != nil {
		if err := validateMaxRecordSize(*in.MaxRecordSizeInKiB); err != nil {
			return nil, err
		}
		maxKiB = *in.MaxRecordSizeInKiB
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := svc.rate(ctx, opCreateStream, nil); err != nil {
		return nil, err
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return nil, errClosed()
	}
	now := svc.cfg.clock.Now()
	warm := 0
	if in.WarmThroughputMiBps != nil {
		if err := svc.checkWarmLocked(now, mode, *in.WarmThroughputMiBps); err != nil {
			return nil, err
		}
		warm = *in.WarmThroughputMiBps
	}
	exists, creating, openShards, onDemand := false, 0, 0, 0
	svc.liveLocked(func(s *Stream) bool {
		exists = exists || s.name == in.StreamName
		if s.status == StreamStatusCreating {
			creating++
		}
		if s.mode == StreamModeOnDemand {
			onDemand++
		} else {
			openShards += len(s.open)
		}
		return true
	})
	switch {
	case exists:
		return nil, errorf(ErrResourceInUseException, "Stream %s under account %s already exists.", in.StreamName, svc.cfg.account)
	case creating >= MaxStreamsCreating:
		return nil, errorf(ErrLimitExceededException,
			"This request would exceed the limit of %d streams in the CREATING state for account %s.", MaxStreamsCreating, svc.cfg.account)
	case mode == StreamModeProvisioned && openShards+shards > svc.cfg.shardLimit:
		return nil, errorf(ErrLimitExceededException,
			"This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
			svc.cfg.account, svc.cfg.region, openShards, svc.cfg.shardLimit, shards)
	case mode == StreamModeOnDemand && onDemand >= svc.cfg.onDemandMax:
		return nil, errorf(ErrLimitExceededException,
			"This request would exceed the limit of %d on-demand streams for account %s.", svc.cfg.onDemandMax, svc.cfg.account)
	}
	s := &Stream{
		svc:       svc,
		name:      in.StreamName,
		arn:       svc.streamARN(in.StreamName),
		id:        svc.cfg.rand.Uint64(),
		created:   now,
		retention: DefaultRetentionPeriod,
		mode:      mode,
		maxKiB:    maxKiB,
		enc:       EncryptionTypeNone,
		tags:      maps.Clone(in.Tags),
		warm:      warm,
	}
	if s.tags == nil {
		s.tags = map[string]string{}
	}
	s.mono.Now(svc.cfg.clock)
	if mode == StreamModeOnDemand {
		s.demand.windowEnd = now.Add(OnDemandScalingWindow)
	}
	starts := uniformStarts(shards)
	for i, start := range starts {
		end := maxHashKey
		if i+1 < len(starts) {
			end = starts[i+1].sub(1)
		}
		s.newShardLocked(start, end, now)
	}
	s.setOpenLocked()
	s.status = StreamStatusCreating
	s.until = now.Add(svc.cfg.transition)
	s.catchUpLocked(now)
	svc.streams.ReplaceOrInsert(s)
	return s, nil
}

func validateStreamName(name string) error {
	if name == "" || len(name) > MaxStreamNameLength {
		return errValidationValue(name, "streamName", "Member must have length between 1 and 128")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return errValidationValue(name, "streamName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
		}
	}
	return nil
}

func validateMaxRecordSize(kib int) error {
	if kib < DefaultMaxRecordSizeKiB || kib > MaxMaxRecordSizeKiB {
		return errValidationValue(kib, "maxRecordSizeInKiB", "Member must have value between 1024 and 10240")
	}
	return nil
}

// DeleteStreamInput is the input of [Service.DeleteStream].
type DeleteStreamInput struct {
	StreamName string
	StreamARN  string
	// EnforceConsumerDeletion deletes the stream's registered consumers
	// with it; without it a stream with consumers is not deleted.
	EnforceConsumerDeletion bool
}

// DeleteStream makes a stream DELETING for the transition delay, then gone.
// Records may still be written while it is DELETING.
func (svc *Service) DeleteStream(ctx context.Context, in DeleteStreamInput) error {
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := svc.rate(ctx, opDeleteStream, nil); err != nil {
		return err
	}
	now, err := s.lock()
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.status == StreamStatusDeleting {
		return s.errNotFound()
	}
	if n := s.consumerCountLocked(now); n > 0 && !in.EnforceConsumerDeletion {
		return errorf(ErrResourceInUseException, "Stream %s under account %s has %d registered consumers.", s.name, svc.cfg.account, n)
	}
	s.deleteConsumersLocked()
	s.transitionLocked(now, StreamStatusDeleting, nil)
	return nil
}

// ListStreamsInput is the input of [Service.ListStreams].
type ListStreamsInput struct {
	// Limit is the most streams to return: 1..10,000; at most (and by
	// default) 100 are returned.
	Limit *int
	// ExclusiveStartStreamName starts the list after this name.
	ExclusiveStartStreamName string
	// NextToken continues an earlier listing.
	NextToken string
}

// StreamSummary is one stream in a ListStreams page.
type StreamSummary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	StreamCreationTimestamp time.Time
}

// ListStreamsOutput is the output of [Service.ListStreams].
type ListStreamsOutput struct {
	StreamNames     []string
	StreamSummaries []StreamSummary
	HasMoreStreams  bool
	NextToken       string
}

// ListStreams lists the account's streams in name order, a page at a time.
func (svc *Service) ListStreams(ctx context.Context, in ListStreamsInput) (ListStreamsOutput, error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return ListStreamsOutput{}, errValidationValue(*in.Limit, "limit", "Member must have value between 1 and 10000")
		}
		limit = min(*in.Limit, 100)
	}
	after := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !strings.HasPrefix(string(b), "ls1:") {
			return ListStreamsOutput{}, errorf(ErrInvalidArgumentException, "Invalid NextToken.")
		}
		after = string(b[4:])
	}
	if err := svc.rate(ctx, opListStreams, nil); err != nil {
		return ListStreamsOutput{}, err
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return ListStreamsOutput{}, errClosed()
	}
	out := ListStreamsOutput{StreamNames: []string{}, StreamSummaries: []StreamSummary{}}
	svc.liveLocked(func(s *Stream) bool {
		if s.name <= after {
			return true
		}
		if len(out.StreamNames) == limit {
			out.HasMoreStreams = true
			return false
		}
		out.StreamNames = append(out.StreamNames, s.name)
		out.StreamSummaries = append(out.StreamSummaries, StreamSummary{
			StreamName: s.name, StreamARN: s.arn, StreamStatus: s.status,
			StreamModeDetails: StreamModeDetails{s.mode}, StreamCreationTimestamp: s.created,
		})
		return true
	})
	if out.HasMoreStreams {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte("ls1:" + out.StreamNames[len(out.StreamNames)-1]))
	}
	return out, nil
}

// DescribeLimitsOutput is the output of [Service.DescribeLimits].
type DescribeLimitsOutput struct {
	ShardLimit               int
	OpenShardCount           int
	OnDemandStreamCount      int
	OnDemandStreamCountLimit int
}

// DescribeLimits returns the account's shard quota and how much of it is
// used: the open shards of provisioned streams, and the on-demand streams.
func (svc *Service) DescribeLimits(ctx context.Context) (DescribeLimitsOutput, error) {
	if err := svc.rate(ctx, opDescribeLimits, nil); err != nil {
		return DescribeLimitsOutput{}, err
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	if svc.isClosed() {
		return DescribeLimitsOutput{}, errClosed()
	}
	out := DescribeLimitsOutput{ShardLimit: svc.cfg.shardLimit, OnDemandStreamCountLimit: svc.cfg.onDemandMax}
	svc.liveLocked(func(s *Stream) bool {
		if s.mode == StreamModeOnDemand {
			out.OnDemandStreamCount++
		} else {
			out.OpenShardCount += len(s.open)
		}
		return true
	})
	return out, nil
}

// openShardsLocked counts the open shards of provisioned streams other than
// skip. svc.mu must be held; it locks each stream.
func (svc *Service) openShardsLocked(skip *Stream) int {
	n := 0
	svc.streams.Ascend(func(s *Stream) bool {
		if s == skip {
			return true
		}
		s.mu.Lock()
		s.catchUpLocked(s.mono.Now(svc.cfg.clock))
		if !s.gone && s.mode == StreamModeProvisioned {
			n += len(s.open)
		}
		s.mu.Unlock()
		return true
	})
	return n
}
