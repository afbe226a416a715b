package firehose

import (
	"context"
	"math/rand/v2"
	"regexp"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/sluicehq/sluice/internal/clock"
)

// DeliveryStreamStatus is the state of a delivery stream.
type DeliveryStreamStatus string

// Delivery stream statuses.
const (
	StatusCreating       DeliveryStreamStatus = "CREATING"
	StatusCreatingFailed DeliveryStreamStatus = "CREATING_FAILED"
	StatusDeleting       DeliveryStreamStatus = "DELETING"
	StatusDeletingFailed DeliveryStreamStatus = "DELETING_FAILED"
	StatusActive         DeliveryStreamStatus = "ACTIVE"
)

// DestinationID is the id of a delivery stream's only destination.
const DestinationID = "destinationId-000000000001"

// DeliveryStream is a handle on one delivery stream. PutRecord and
// PutRecordBatch are its methods; the control plane is on [Service]. Once
// the stream is deleted every method returns ResourceNotFoundException.
//
// A DeliveryStream is safe for concurrent use.
type DeliveryStream struct {
	svc       *Service
	name      string
	arn       string
	typ       DeliveryStreamType
	createdAt time.Time

	mu       sync.Mutex
	taps     []tap // see Tap; the slice is replaced, never changed in place
	tapSeq   uint64
	mono     clock.Monotonic
	rng      *rand.Rand
	deleting bool
	deleteAt time.Time // when DELETING ends
	stopped  bool

	version   int
	updatedAt time.Time
	dest      *destination
	source    *KinesisStreamSourceConfiguration
	sourceAt  time.Time
	directPut *DirectPutSourceConfiguration
	enc       encryption
	tags      map[string]string

	buffers    map[bufKey]*buffer
	deadlines  *btree.BTreeG[deadline]
	seq        uint64
	timer      *clock.Timer
	timerAt    time.Time
	recordSeq  uint64
	metrics    metrics
	throughput throughput
	// partitions counts the dynamic partitions with an open buffer.
	partitions int
	// stopSource ends the Kinesis reader of a KinesisStreamAsSource stream.
	stopSource func()
	// The source's shards read to their end, and the children whose
	// reading has started (see finishShard).
	sourceFinished, sourceStarted map[string]bool
	// readers are the goroutines reading the Kinesis source, and flushes
	// of deadlines already past when armed (see armLocked).
	readers sync.WaitGroup
}

// Name returns the delivery stream's name.
func (d *DeliveryStream) Name() string { return d.name }

// ARN returns the delivery stream's ARN.
func (d *DeliveryStream) ARN() string { return d.arn }

// goneAt reports whether the stream's deletion is over at now.
func (d *DeliveryStream) goneAt(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deleting && !now.Before(d.deleteAt)
}

var streamNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

// CreateDeliveryStreamInput is the input of [Service.CreateDeliveryStream].
// Exactly one destination configuration must be set.
type CreateDeliveryStreamInput struct {
	// DeliveryStreamName: 1..64 characters of [a-zA-Z0-9_.-].
	DeliveryStreamName string
	// DeliveryStreamType: DirectPut (default) or KinesisStreamAsSource.
	DeliveryStreamType                         DeliveryStreamType
	DirectPutSourceConfiguration               *DirectPutSourceConfiguration
	KinesisStreamSourceConfiguration           *KinesisStreamSourceConfiguration
	DeliveryStreamEncryptionConfigurationInput *DeliveryStreamEncryptionConfigurationInput

	S3DestinationConfiguration                         *S3DestinationConfiguration
	ExtendedS3DestinationConfiguration                 *ExtendedS3DestinationConfiguration
	RedshiftDestinationConfiguration                   *RedshiftDestinationConfiguration
	ElasticsearchDestinationConfiguration              *OpenSearchDestinationConfiguration
	AmazonopensearchserviceDestinationConfiguration    *OpenSearchDestinationConfiguration
	AmazonOpenSearchServerlessDestinationConfiguration *OpenSearchDestinationConfiguration
	SplunkDestinationConfiguration                     *SplunkDestinationConfiguration
	HttpEndpointDestinationConfiguration               *HttpEndpointDestinationConfiguration
	SnowflakeDestinationConfiguration                  *SnowflakeDestinationConfiguration
	IcebergDestinationConfiguration                    *IcebergDestinationConfiguration

	// Tags: at most 50.
	Tags []Tag
}

// CreateDeliveryStreamOutput is the output of [Service.CreateDeliveryStream].
type CreateDeliveryStreamOutput struct {
	DeliveryStreamARN string
	// DeliveryStream is the handle of the new stream.
	DeliveryStream *DeliveryStream
}

// CreateDeliveryStream creates a delivery stream. It is CREATING for the
// transition delay (see [WithTransitionDelay]), then ACTIVE.
func (s *Service) CreateDeliveryStream(ctx context.Context, in CreateDeliveryStreamInput) (CreateDeliveryStreamOutput, error) {
	if err := ctx.Err(); err != nil {
		return CreateDeliveryStreamOutput{}, err
	}
	if in.DeliveryStreamName == "" {
		return CreateDeliveryStreamOutput{}, errValidation("deliveryStreamName", "null", "Member must not be null")
	}
	if !streamNameRE.MatchString(in.DeliveryStreamName) {
		return CreateDeliveryStreamOutput{}, errValidation("deliveryStreamName", "'"+in.DeliveryStreamName+"'",
			"Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
	typ := in.DeliveryStreamType
	if typ == "" {
		typ = DirectPut
	}
	switch typ {
	case DirectPut:
		if in.KinesisStreamSourceConfiguration != nil {
			return CreateDeliveryStreamOutput{}, errArg("KinesisSourceStreamConfig is only allowed for KinesisStreamAsSource delivery stream type.")
		}
		if c := in.DirectPutSourceConfiguration; c != nil && (c.ThroughputHintInMBs < 1 || c.ThroughputHintInMBs > 100) {
			return CreateDeliveryStreamOutput{}, errValidation("directPutSourceConfiguration.throughputHintInMBs", itoaQ(c.ThroughputHintInMBs),
				"Member must have value between 1 and 100")
		}
	case KinesisStreamAsSource:
		c := in.KinesisStreamSourceConfiguration
		if c == nil {
			return CreateDeliveryStreamOutput{}, errArg("KinesisSourceStreamConfig is required for KinesisStreamAsSource delivery stream type.")
		}
		if c.KinesisStreamARN == "" || c.RoleARN == "" {
			return CreateDeliveryStreamOutput{}, errArg("KinesisStreamARN and RoleARN are required in KinesisStreamSourceConfiguration.")
		}
		if in.DeliveryStreamEncryptionConfigurationInput != nil {
			return CreateDeliveryStreamOutput{}, errArg("Server side encryption is not supported for delivery stream type KinesisStreamAsSource.")
		}
	case MSKAsSource, DatabaseAsSource:
		return CreateDeliveryStreamOutput{}, errArg("Delivery stream type %s is not supported by sluice.", typ)
	default:
		return CreateDeliveryStreamOutput{}, errValidation("deliveryStreamType", "'"+string(typ)+"'",
			"Member must satisfy enum value set: [DatabaseAsSource, DirectPut, KinesisStreamAsSource, MSKAsSource]")
	}
	dest, err := compileCreate(in)
	if err != nil {
		return CreateDeliveryStreamOutput{}, err
	}
	if err := validateTags(in.Tags); err != nil {
		return CreateDeliveryStreamOutput{}, err
	}
	var enc encryption
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		if err := validateEncryption(*e); err != nil {
			return CreateDeliveryStreamOutput{}, err
		}
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return CreateDeliveryStreamOutput{}, errClosed()
	}
	now := s.cfg.clock.Now()
	if _, ok := s.lookupLocked(in.DeliveryStreamName, now); ok {
		s.mu.Unlock()
		return CreateDeliveryStreamOutput{}, errorf(ErrResourceInUseException,
			"Firehose %s under accountId %s already exists", in.DeliveryStreamName, s.cfg.account)
	}
	if s.streams.Len() >= MaxDeliveryStreams {
		s.mu.Unlock()
		return CreateDeliveryStreamOutput{}, errorf(ErrLimitExceededException,
			"You have already consumed your firehose quota of %d hoses.", MaxDeliveryStreams)
	}
	d := &DeliveryStream{
		svc:       s,
		name:      in.DeliveryStreamName,
		arn:       s.streamARN(in.DeliveryStreamName),
		typ:       typ,
		createdAt: now,
		rng:       rand.New(rand.NewPCG(s.rng.Uint64(), s.rng.Uint64())),
		version:   1,
		updatedAt: now,
		dest:      dest,
		source:    in.KinesisStreamSourceConfiguration,
		directPut: clone(in.DirectPutSourceConfiguration),
		tags:      map[string]string{},
		buffers:   map[bufKey]*buffer{},
		deadlines: btree.NewG(btreeDegree, deadlineLess),
	}
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		enc.start(*e, now, now.Add(s.cfg.transition))
	}
	d.enc = enc
	for _, t := range in.Tags {
		d.tags[t.Key] = t.Value
	}
	s.streams.ReplaceOrInsert(d)
	s.mu.Unlock()

	if typ == KinesisStreamAsSource {
		if err := d.startSource(now); err != nil {
			s.mu.Lock()
			s.streams.Delete(d)
			s.mu.Unlock()
			return CreateDeliveryStreamOutput{}, err
		}
	}
	return CreateDeliveryStreamOutput{DeliveryStreamARN: d.arn, DeliveryStream: d}, nil
}

// statusLocked returns the stream's status at now. d.mu must be held.
func (d *DeliveryStream) statusLocked(now time.Time) DeliveryStreamStatus {
	switch {
	case d.deleting:
		return StatusDeleting
	case now.Before(d.createdAt.Add(d.svc.cfg.transition)):
		return StatusCreating
	}
	return StatusActive
}

// DescribeDeliveryStreamInput is the input of [Service.DescribeDeliveryStream].
type DescribeDeliveryStreamInput struct {
	DeliveryStreamName string
	// Limit (1..10000) and ExclusiveStartDestinationId page the
	// destinations: a stream has one, listed unless
	// ExclusiveStartDestinationId is its id (or later).
	Limit                       *int
	ExclusiveStartDestinationId string
}

// DescribeDeliveryStreamOutput is the output of [Service.DescribeDeliveryStream].
type DescribeDeliveryStreamOutput struct {
	DeliveryStreamDescription DeliveryStreamDescription
}

// DeliveryStreamDescription describes a delivery stream.
type DeliveryStreamDescription struct {
	DeliveryStreamName                    string
	DeliveryStreamARN                     string
	DeliveryStreamStatus                  DeliveryStreamStatus
	DeliveryStreamType                    DeliveryStreamType
	DeliveryStreamEncryptionConfiguration *DeliveryStreamEncryptionConfiguration
	// VersionId is "1" at creation and grows by one with every
	// UpdateDestination.
	VersionId           string
	CreateTimestamp     time.Time
	LastUpdateTimestamp time.Time
	Source              *SourceDescription
	Destinations        []DestinationDescription
	HasMoreDestinations bool
}

// SourceDescription describes the source of a delivery stream: its
// Kinesis stream, or the throughput hint of a DirectPut stream that gave
// one.
type SourceDescription struct {
	KinesisStreamSourceDescription *KinesisStreamSourceDescription
	DirectPutSourceDescription     *DirectPutSourceConfiguration
}

// KinesisStreamSourceDescription describes a Kinesis source.
type KinesisStreamSourceDescription struct {
	KinesisStreamARN string
	RoleARN          string
	// DeliveryStartTimestamp is when reading from LATEST began.
	DeliveryStartTimestamp time.Time
}

// DestinationDescription describes the destination: the field of its type
// is set, holding its configuration with defaults filled in.
type DestinationDescription struct {
	DestinationId                                    string
	S3DestinationDescription                         *S3DestinationConfiguration
	ExtendedS3DestinationDescription                 *ExtendedS3DestinationConfiguration
	RedshiftDestinationDescription                   *RedshiftDestinationConfiguration
	ElasticsearchDestinationDescription              *OpenSearchDestinationConfiguration
	AmazonopensearchserviceDestinationDescription    *OpenSearchDestinationConfiguration
	AmazonOpenSearchServerlessDestinationDescription *OpenSearchDestinationConfiguration
	SplunkDestinationDescription                     *SplunkDestinationConfiguration
	HttpEndpointDestinationDescription               *HttpEndpointDestinationConfiguration
	SnowflakeDestinationDescription                  *SnowflakeDestinationConfiguration
	IcebergDestinationDescription                    *IcebergDestinationConfiguration
}

// DescribeDeliveryStream describes a delivery stream.
func (s *Service) DescribeDeliveryStream(ctx context.Context, in DescribeDeliveryStreamInput) (DescribeDeliveryStreamOutput, error) {
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 10000) {
		return DescribeDeliveryStreamOutput{}, errValidation("limit", itoaQ(*in.Limit), "Member must have value between 1 and 10000")
	}
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return DescribeDeliveryStreamOutput{}, err
	}
	work, desc := d.describe()
	d.run(work)
	if in.ExclusiveStartDestinationId != "" && in.ExclusiveStartDestinationId >= DestinationID {
		desc.Destinations = []DestinationDescription{}
	}
	return DescribeDeliveryStreamOutput{DeliveryStreamDescription: desc}, nil
}

func (d *DeliveryStream) describe() ([]*job, DeliveryStreamDescription) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.mono.Now(d.svc.cfg.clock)
	work := d.catchUpLocked(now)
	desc := DeliveryStreamDescription{
		DeliveryStreamName:   d.name,
		DeliveryStreamARN:    d.arn,
		DeliveryStreamStatus: d.statusLocked(now),
		DeliveryStreamType:   d.typ,
		VersionId:            itoa(d.version),
		CreateTimestamp:      d.createdAt,
		LastUpdateTimestamp:  d.updatedAt,
		Destinations:         []DestinationDescription{d.dest.describe()},
	}
	if d.typ == DirectPut {
		desc.DeliveryStreamEncryptionConfiguration = d.enc.describe(now)
	}
	if d.directPut != nil {
		desc.Source = &SourceDescription{DirectPutSourceDescription: clone(d.directPut)}
	}
	if d.source != nil {
		desc.Source = &SourceDescription{KinesisStreamSourceDescription: &KinesisStreamSourceDescription{
			KinesisStreamARN: d.source.KinesisStreamARN, RoleARN: d.source.RoleARN, DeliveryStartTimestamp: d.sourceAt,
		}}
	}
	return work, desc
}

// ListDeliveryStreamsInput is the input of [Service.ListDeliveryStreams].
type ListDeliveryStreamsInput struct {
	// Limit: 1..10000, default 10.
	Limit *int
	// DeliveryStreamType filters by type when set.
	DeliveryStreamType DeliveryStreamType
	// ExclusiveStartDeliveryStreamName lists the names after this one.
	ExclusiveStartDeliveryStreamName string
}

// ListDeliveryStreamsOutput is the output of [Service.ListDeliveryStreams].
type ListDeliveryStreamsOutput struct {
	DeliveryStreamNames    []string
	HasMoreDeliveryStreams bool
}

// ListDeliveryStreams lists delivery stream names in alphabetical order.
func (s *Service) ListDeliveryStreams(ctx context.Context, in ListDeliveryStreamsInput) (ListDeliveryStreamsOutput, error) {
	if err := ctx.Err(); err != nil {
		return ListDeliveryStreamsOutput{}, err
	}
	limit := 10
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return ListDeliveryStreamsOutput{}, errValidation("limit", itoaQ(*in.Limit), "Member must have value between 1 and 10000")
		}
		limit = *in.Limit
	}
	switch in.DeliveryStreamType {
	case "", DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource:
	default:
		return ListDeliveryStreamsOutput{}, errValidation("deliveryStreamType", "'"+string(in.DeliveryStreamType)+"'",
			"Member must satisfy enum value set: [DatabaseAsSource, DirectPut, KinesisStreamAsSource, MSKAsSource]")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ListDeliveryStreamsOutput{}, errClosed()
	}
	now := s.cfg.clock.Now()
	var gone []*DeliveryStream
	out := ListDeliveryStreamsOutput{DeliveryStreamNames: []string{}}
	visit := func(d *DeliveryStream) bool {
		if d.name == in.ExclusiveStartDeliveryStreamName {
			return true
		}
		if d.goneAt(now) {
			gone = append(gone, d)
			return true
		}
		if in.DeliveryStreamType != "" && d.typ != in.DeliveryStreamType {
			return true
		}
		if len(out.DeliveryStreamNames) == limit {
			out.HasMoreDeliveryStreams = true
			return false
		}
		out.DeliveryStreamNames = append(out.DeliveryStreamNames, d.name)
		return true
	}
	if in.ExclusiveStartDeliveryStreamName != "" {
		s.streams.AscendGreaterOrEqual(&DeliveryStream{name: in.ExclusiveStartDeliveryStreamName}, visit)
	} else {
		s.streams.Ascend(visit)
	}
	for _, d := range gone {
		s.streams.Delete(d)
	}
	return out, nil
}

// DeleteDeliveryStreamInput is the input of [Service.DeleteDeliveryStream].
type DeleteDeliveryStreamInput struct {
	DeliveryStreamName string
	// AllowForceDelete is accepted; sluice never fails a deletion.
	AllowForceDelete bool
}

// DeleteDeliveryStream deletes a delivery stream: it is DELETING for the
// transition delay, then gone. Records still buffered are dropped, as AWS
// makes no guarantee for them. A stream still CREATING cannot be deleted.
func (s *Service) DeleteDeliveryStream(ctx context.Context, in DeleteDeliveryStreamInput) error {
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d.mu.Lock()
	now := d.mono.Now(s.cfg.clock)
	if d.statusLocked(now) == StatusCreating {
		d.mu.Unlock()
		return errorf(ErrResourceInUseException,
			"Firehose %s under account %s is in CREATING state and cannot be deleted.", d.name, s.cfg.account)
	}
	if !d.deleting {
		d.deleting = true
		d.deleteAt = now.Add(s.cfg.transition)
		d.stopLocked()
	}
	d.mu.Unlock()
	if s.cfg.transition == 0 {
		s.streams.Delete(d)
	}
	return nil
}

// stopLocked stops the stream's timer and source and drops its buffers.
// d.mu must be held.
func (d *DeliveryStream) stopLocked() {
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.stopSource != nil {
		d.stopSource()
		d.stopSource = nil
	}
	clear(d.buffers)
	d.partitions = 0
	d.deadlines.Clear(false)
}

// live returns ResourceNotFound once the stream is deleted or the service
// closed, and ResourceNotFound for a stream not yet ACTIVE. d.mu must be
// held.
func (d *DeliveryStream) checkActiveLocked(now time.Time) error {
	if d.stopped || d.deleting {
		return d.svc.errNotFound(d.name)
	}
	if d.statusLocked(now) != StatusActive {
		return errorf(ErrResourceNotFoundException, "Firehose %s is not active in %s account.", d.name, d.svc.cfg.account)
	}
	return nil
}
