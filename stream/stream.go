package stream

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

// StreamStatus is a stream's lifecycle state.
type StreamStatus string

// The stream states. A stream is CREATING, then ACTIVE; resharding,
// encryption changes, mode changes and warm-throughput changes make it
// UPDATING until they are done; DeleteStream makes it DELETING until it is
// gone. Each transition lasts the Service's transition delay on the clock
// ([WithTransitionDelay]).
const (
	StreamStatusCreating StreamStatus = "CREATING"
	StreamStatusDeleting StreamStatus = "DELETING"
	StreamStatusActive   StreamStatus = "ACTIVE"
	StreamStatusUpdating StreamStatus = "UPDATING"
)

// StreamMode is a stream's capacity mode.
type StreamMode string

// The capacity modes.
const (
	StreamModeProvisioned StreamMode = "PROVISIONED"
	StreamModeOnDemand    StreamMode = "ON_DEMAND"
)

// StreamModeDetails is a stream's capacity mode, as AWS nests it.
type StreamModeDetails struct {
	StreamMode StreamMode
}

// EncryptionType is a stream's (or a record's) server-side encryption.
type EncryptionType string

// The encryption types.
const (
	EncryptionTypeNone EncryptionType = "NONE"
	EncryptionTypeKMS  EncryptionType = "KMS"
)

// Stream limits.
const (
	MaxStreamNameLength     = 128
	DefaultRetentionPeriod  = 24 * time.Hour
	MaxRetentionPeriod      = 8760 * time.Hour
	MaxShardsPerStream      = 10000
	OnDemandInitialShards   = 4
	DefaultMaxRecordSizeKiB = 1024
	MaxMaxRecordSizeKiB     = 10240
	MaxStreamsCreating      = 5
)

// Stream is a handle on one Kinesis data stream. Its methods are the
// data-plane operations (PutRecord, PutRecords, GetShardIterator,
// GetRecords); the control plane is on [Service]. A Stream is safe for
// concurrent use; once the stream is deleted every method returns
// ErrResourceNotFoundException.
type Stream struct {
	svc     *Service
	name    string
	arn     string
	id      uint64 // tells this stream from a later one of the same name
	created time.Time

	mu     sync.Mutex
	mono   clock.Monotonic
	status StreamStatus
	until  time.Time          // end of the current transition
	onDone func(at time.Time) // applied when an UPDATING transition ends
	gone   bool               // deleted and past DELETING
	shards []*shard           // every shard, by index
	open   []*shard           // open shards, by StartingHashKey
	// horizon is the trim horizon: records that arrived at or before it are
	// gone. It only moves forward, so raising the retention period brings
	// nothing back.
	horizon   time.Time
	retention time.Duration
	mode      StreamMode
	maxKiB    int
	enc       EncryptionType
	keyID     string
	metrics   []MetricsName
	tags      map[string]string
	policy    string
	warm      int
	// scalings and modeChanges are the times of recent UpdateShardCount and
	// UpdateStreamMode calls, for their 24-hour quotas.
	scalings    []time.Time
	modeChanges []time.Time
	keyChanges  []time.Time
	demand      demandTracker
	consumers   []*consumer
	rates       rateLimits
	keys        keyCache
}

// Name returns the stream's name.
func (s *Stream) Name() string { return s.name }

// ARN returns the stream's ARN.
func (s *Stream) ARN() string { return s.arn }

// lock locks s and brings it up to the clock: transitions that are over
// end, the trim horizon moves. It returns ErrResourceNotFoundException (with
// s unlocked) once the stream is gone.
func (s *Stream) lock() (time.Time, error) {
	s.mu.Lock()
	now := s.mono.Now(s.svc.cfg.clock)
	s.catchUpLocked(now)
	if s.gone {
		s.mu.Unlock()
		return now, s.errNotFound()
	}
	return now, nil
}

// catchUpLocked applies what time has made due. s.mu must be held.
func (s *Stream) catchUpLocked(now time.Time) {
	if s.gone {
		return
	}
	if s.status != StreamStatusActive && !now.Before(s.until) {
		switch s.status {
		case StreamStatusDeleting:
			s.gone = true
			s.wakeAllLocked()
			return
		default:
			s.status = StreamStatusActive
			if f := s.onDone; f != nil {
				s.onDone = nil
				f(s.until)
			}
		}
	}
	if h := now.Add(-s.retention); h.After(s.horizon) {
		s.horizon = h
	}
	if s.mode == StreamModeOnDemand {
		s.demand.scaleLocked(s, now)
	}
}

// transitionLocked puts s into status until the transition delay has
// passed, then runs done (if any) at that moment. s.mu must be held.
func (s *Stream) transitionLocked(now time.Time, status StreamStatus, done func(at time.Time)) {
	s.status = status
	s.until = now.Add(s.svc.cfg.transition)
	s.onDone = done
	s.catchUpLocked(now)
}

func (s *Stream) errNotFound() *Error {
	return errorf(ErrResourceNotFoundException, "Stream %s under account %s not found.", s.name, s.svc.cfg.account)
}

func (s *Stream) errNotActive() *Error {
	return errorf(ErrResourceInUseException, "Stream %s under account %s not ACTIVE, instead in state %s", s.name, s.svc.cfg.account, s.status)
}

// wakeAllLocked wakes everything waiting on any shard. s.mu must be held.
func (s *Stream) wakeAllLocked() {
	for _, sh := range s.shards {
		sh.wakeLocked()
	}
}

// StreamDescription is a stream as DescribeStream returns it.
type StreamDescription struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	Shards                  []Shard
	HasMoreShards           bool
	RetentionPeriodHours    int
	StreamCreationTimestamp time.Time
	EnhancedMonitoring      []EnhancedMetrics
	EncryptionType          EncryptionType
	KeyId                   string
}

// StreamDescriptionSummary is a stream as DescribeStreamSummary returns it.
type StreamDescriptionSummary struct {
	StreamName              string
	StreamARN               string
	StreamStatus            StreamStatus
	StreamModeDetails       StreamModeDetails
	RetentionPeriodHours    int
	StreamCreationTimestamp time.Time
	EnhancedMonitoring      []EnhancedMetrics
	EncryptionType          EncryptionType
	KeyId                   string
	OpenShardCount          int
	ConsumerCount           int
	MaxRecordSizeInKiB      int
	// WarmThroughput is set on on-demand streams of an account with
	// On-demand Advantage.
	WarmThroughput *WarmThroughputObject
}

// WarmThroughputObject is an on-demand stream's warm throughput.
type WarmThroughputObject struct {
	TargetMiBps  int
	CurrentMiBps int
}

// DescribeStreamInput is the input of [Service.DescribeStream].
type DescribeStreamInput struct {
	StreamName string
	StreamARN  string
	// Limit is the most shards to return: 1..10,000; at most (and by
	// default) 100 are returned.
	Limit *int
	// ExclusiveStartShardId starts the list after this shard.
	ExclusiveStartShardId string
}

// DescribeStreamOutput is the output of [Service.DescribeStream].
type DescribeStreamOutput struct {
	StreamDescription StreamDescription
}

// DescribeStream describes a stream and a page of its shards: those not yet
// expired, by shard id (none while the stream is CREATING). HasMoreShards says whether a later page exists. AWS
// recommends DescribeStreamSummary and ListShards instead.
func (svc *Service) DescribeStream(ctx context.Context, in DescribeStreamInput) (DescribeStreamOutput, error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return DescribeStreamOutput{}, errValidationValue(*in.Limit, "limit", "Member must have value between 1 and 10000")
		}
		limit = min(*in.Limit, 100)
	}
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return DescribeStreamOutput{}, err
	}
	if err := svc.rate(ctx, opDescribeStream, s); err != nil {
		return DescribeStreamOutput{}, err
	}
	now, err := s.lock()
	if err != nil {
		return DescribeStreamOutput{}, err
	}
	defer s.mu.Unlock()
	after := -1
	if in.ExclusiveStartShardId != "" {
		if idx, ok := parseShardID(in.ExclusiveStartShardId); ok {
			after = int(idx)
		}
	}
	d := StreamDescription{
		StreamName:              s.name,
		StreamARN:               s.arn,
		StreamStatus:            s.status,
		StreamModeDetails:       StreamModeDetails{s.mode},
		RetentionPeriodHours:    int(s.retention / time.Hour),
		StreamCreationTimestamp: s.created,
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: slices.Clone(s.metrics)}},
		EncryptionType:          s.enc,
		KeyId:                   s.keyID,
		Shards:                  []Shard{},
	}
	for _, sh := range s.shards {
		if s.status == StreamStatusCreating {
			break // AWS lists no shards until the stream is ACTIVE
		}
		if int(sh.index) <= after || sh.expiredLocked(s, now) {
			continue
		}
		if len(d.Shards) == limit {
			d.HasMoreShards = true
			break
		}
		d.Shards = append(d.Shards, sh.describeLocked())
	}
	return DescribeStreamOutput{StreamDescription: d}, nil
}

// DescribeStreamSummaryInput is the input of [Service.DescribeStreamSummary].
type DescribeStreamSummaryInput struct {
	StreamName string
	StreamARN  string
}

// DescribeStreamSummaryOutput is the output of
// [Service.DescribeStreamSummary].
type DescribeStreamSummaryOutput struct {
	StreamDescriptionSummary StreamDescriptionSummary
}

// DescribeStreamSummary describes a stream without its shards.
func (svc *Service) DescribeStreamSummary(ctx context.Context, in DescribeStreamSummaryInput) (DescribeStreamSummaryOutput, error) {
	s, err := svc.resolve(in.StreamName, in.StreamARN)
	if err != nil {
		return DescribeStreamSummaryOutput{}, err
	}
	if err := svc.rate(ctx, opDescribeStreamSummary, s); err != nil {
		return DescribeStreamSummaryOutput{}, err
	}
	adv := svc.advantage(svc.cfg.clock.Now())
	now, err := s.lock()
	if err != nil {
		return DescribeStreamSummaryOutput{}, err
	}
	defer s.mu.Unlock()
	sum := StreamDescriptionSummary{
		StreamName:              s.name,
		StreamARN:               s.arn,
		StreamStatus:            s.status,
		StreamModeDetails:       StreamModeDetails{s.mode},
		RetentionPeriodHours:    int(s.retention / time.Hour),
		StreamCreationTimestamp: s.created,
		EnhancedMonitoring:      []EnhancedMetrics{{ShardLevelMetrics: slices.Clone(s.metrics)}},
		EncryptionType:          s.enc,
		KeyId:                   s.keyID,
		OpenShardCount:          len(s.open),
		ConsumerCount:           s.consumerCountLocked(now),
		MaxRecordSizeInKiB:      s.maxKiB,
	}
	if s.mode == StreamModeOnDemand && adv {
		sum.WarmThroughput = &WarmThroughputObject{TargetMiBps: s.warm, CurrentMiBps: s.warm}
	}
	return DescribeStreamSummaryOutput{StreamDescriptionSummary: sum}, nil
}
