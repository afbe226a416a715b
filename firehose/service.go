package firehose

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/btree"
)

// Service is Amazon Data Firehose for one AWS account in one region. Its
// methods are the control-plane operations; PutRecord and PutRecordBatch
// are methods of the [DeliveryStream] handle.
//
// A Service is safe for concurrent use.
type Service struct {
	cfg config

	mu      sync.Mutex
	closed  bool
	rng     *rand.Rand
	streams *btree.BTreeG[*DeliveryStream] // by name

	// regMu guards the registries below. It is a leaf lock.
	regMu     sync.Mutex
	buckets   map[string]Destination
	functions map[string]TransformFunc
}

const btreeDegree = 32

// MaxDeliveryStreams is AWS's default quota of delivery streams per
// account and region.
const MaxDeliveryStreams = 5000

// New returns a Service with no delivery streams.
func New(opts ...Option) *Service {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Service{
		cfg:       cfg,
		rng:       rand.New(cfg.rand),
		streams:   btree.NewG(btreeDegree, func(a, b *DeliveryStream) bool { return a.name < b.name }),
		buckets:   map[string]Destination{},
		functions: map[string]TransformFunc{},
	}
	for arn, fn := range cfg.functions {
		s.functions[arn] = fn
	}
	return s
}

// Close stops every delivery stream's timer and Kinesis readers, waiting
// for the readers to end, and makes every later call return
// ErrServiceUnavailableException. Records still buffered are dropped. It
// is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	var all []*DeliveryStream
	s.streams.Ascend(func(d *DeliveryStream) bool {
		d.mu.Lock()
		d.stopLocked()
		d.mu.Unlock()
		all = append(all, d)
		return true
	})
	s.mu.Unlock()
	for _, d := range all {
		d.readers.Wait()
	}
	return nil
}

// FunctionARN returns the ARN of a Lambda function of this account and
// region, the LambdaArn a Lambda processor names.
func (s *Service) FunctionARN(name string) string {
	return "arn:aws:lambda:" + s.cfg.region + ":" + s.cfg.account + ":function:" + name
}

// RegisterFunction makes fn the Lambda function with the given ARN.
// Registering again replaces it.
func (s *Service) RegisterFunction(arn string, fn TransformFunc) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.functions[arn] = fn
}

func (s *Service) function(arn string) TransformFunc {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	return s.functions[arn]
}

// RegisterBucket makes d the destination of the S3 bucket with the given
// ARN ("arn:aws:s3:::name"), e.g. a [Dir]. Registering again replaces it.
// Buckets not registered are in-memory [Bucket]s created on first use.
func (s *Service) RegisterBucket(bucketARN string, d Destination) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.buckets[bucketARN] = d
}

// Bucket returns the in-memory bucket with the given ARN, creating it if
// needed. It returns nil when another [Destination] was registered under
// that ARN.
func (s *Service) Bucket(bucketARN string) *Bucket {
	b, _ := s.bucket(bucketARN).(*Bucket)
	return b
}

// bucket returns the destination registered under arn, creating an
// in-memory Bucket if there is none.
func (s *Service) bucket(arn string) Destination {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	d, ok := s.buckets[arn]
	if !ok {
		d = NewBucket()
		s.buckets[arn] = d
	}
	return d
}

func (s *Service) streamARN(name string) string {
	return "arn:aws:firehose:" + s.cfg.region + ":" + s.cfg.account + ":deliverystream/" + name
}

// lookup returns the live delivery stream of that name, removing it if
// its deletion is over. s.mu must be held.
func (s *Service) lookupLocked(name string, now time.Time) (*DeliveryStream, bool) {
	d, ok := s.streams.Get(&DeliveryStream{name: name})
	if !ok {
		return nil, false
	}
	if d.goneAt(now) {
		s.streams.Delete(d)
		return nil, false
	}
	return d, true
}

// get returns the delivery stream of that name or ResourceNotFound.
func (s *Service) get(ctx context.Context, name string) (*DeliveryStream, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed()
	}
	d, ok := s.lookupLocked(name, s.cfg.clock.Now())
	if !ok {
		return nil, s.errNotFound(name)
	}
	return d, nil
}

// DeliveryStream returns the handle of the named delivery stream, or
// ResourceNotFoundException.
func (s *Service) DeliveryStream(ctx context.Context, name string) (*DeliveryStream, error) {
	return s.get(ctx, name)
}

// newUUID returns a random version-4 UUID drawn from r.
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
