package analytics

import (
	"context"
	"math/rand/v2"
	"regexp"
	"sync"
	"time"

	"github.com/google/btree"
)

// Service is Amazon Kinesis Data Analytics (the v1 SQL API) for one AWS
// account in one region. Its methods are the control-plane operations;
// data-plane ones (writing to a Go input, reading an in-application
// stream) are on [Application].
//
// A Service is safe for concurrent use.
type Service struct {
	cfg config

	mu     sync.Mutex
	closed bool
	rng    *rand.Rand
	apps   *btree.BTreeG[*Application] // by name

	regMu        sync.Mutex
	functions    map[string]Function
	destinations map[string]Destination
}

// Function is a Go function standing in for a Lambda function: it receives
// the JSON event Lambda would get and returns the JSON response. Input
// pre-processing gets a [PreprocessingEvent] and answers a
// [PreprocessingResponse]; a Lambda output gets an [OutputEvent] and
// answers an [OutputResponse].
type Function func(ctx context.Context, event []byte) ([]byte, error)

// Destination receives an output's records (one JSON document or CSV line
// per row). An error makes sluice retry the same records after the retry
// interval, until they are accepted, as AWS does.
type Destination interface {
	Deliver(ctx context.Context, records [][]byte) error
}

// DestinationFunc adapts a function to [Destination].
type DestinationFunc func(ctx context.Context, records [][]byte) error

// Deliver calls f.
func (f DestinationFunc) Deliver(ctx context.Context, records [][]byte) error { return f(ctx, records) }

// ObjectStore reads reference data objects.
type ObjectStore interface {
	GetObject(ctx context.Context, bucketARN, key string) ([]byte, error)
}

// MemoryObjects is an in-memory [ObjectStore]: bucket ARN, then key, to
// contents.
type MemoryObjects map[string]map[string][]byte

// GetObject returns the object, or ErrResourceNotFoundException.
func (m MemoryObjects) GetObject(_ context.Context, bucketARN, key string) ([]byte, error) {
	if b, ok := m[bucketARN][key]; ok {
		return b, nil
	}
	return nil, errorf(ErrResourceNotFoundException, "object %s/%s not found", bucketARN, key)
}

// New returns a Service with no applications.
func New(opts ...Option) *Service {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return &Service{
		cfg:          cfg,
		rng:          rand.New(cfg.rand),
		apps:         btree.NewG(btreeDegree, func(a, b *Application) bool { return a.name < b.name }),
		functions:    map[string]Function{},
		destinations: map[string]Destination{},
	}
}

// Close stops every application's timer and Kinesis input readers, waits
// for the readers to end, and makes every later call return
// ErrServiceUnavailableException. It is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	var apps []*Application
	s.apps.Ascend(func(a *Application) bool { apps = append(apps, a); return true })
	s.mu.Unlock()
	for _, a := range apps {
		a.mu.Lock()
		a.stopTimerLocked()
		a.stopInputsLocked()
		a.closed = true
		a.wakeLocked()
		a.mu.Unlock()
	}
	for _, a := range apps {
		a.bg.Wait()
	}
	return nil
}

// RegisterFunction makes fn the Lambda function with the given ARN, for
// InputLambdaProcessor and LambdaOutput. Registering again replaces it.
func (s *Service) RegisterFunction(arn string, fn Function) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.functions[arn] = fn
}

// RegisterDestination makes d the Kinesis stream or Firehose delivery
// stream with the given ARN, for KinesisStreamsOutput and
// KinesisFirehoseOutput.
func (s *Service) RegisterDestination(arn string, d Destination) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.destinations[arn] = d
}

func (s *Service) function(arn string) (Function, bool) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	f, ok := s.functions[arn]
	return f, ok
}

func (s *Service) destination(arn string) (Destination, bool) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	d, ok := s.destinations[arn]
	return d, ok
}

func (s *Service) now() time.Time { return s.cfg.clock.Now() }

func errClosed() *Error {
	return ErrServiceUnavailableException.WithMessage("The analytics service is closed.")
}

var appNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,128}$`)

// Limits of Kinesis Analytics v1.
const (
	MaxInputs               = 1
	MaxOutputs              = 3
	MaxReferenceDataSources = 1
	MaxInputParallelism     = 64
	MaxTags                 = 50
	MaxApplications         = 50
)

func (s *Service) arn(name string) string {
	return "arn:aws:kinesisanalytics:" + s.cfg.region + ":" + s.cfg.account + ":application/" + name
}

// CreateApplication creates an application in READY status with
// ApplicationVersionId 1. The code is parsed (and compiled when an input
// is configured); bad code is ErrCodeValidationException with its line and
// column.
func (s *Service) CreateApplication(ctx context.Context, in CreateApplicationInput) (CreateApplicationOutput, error) {
	if err := ctx.Err(); err != nil {
		return CreateApplicationOutput{}, err
	}
	if !appNameRE.MatchString(in.ApplicationName) {
		return CreateApplicationOutput{}, errorf(ErrInvalidArgumentException,
			"ApplicationName %q must be 1 to 128 characters of [a-zA-Z0-9_.-]", in.ApplicationName)
	}
	if len(in.ApplicationDescription) > 1024 {
		return CreateApplicationOutput{}, errorf(ErrInvalidArgumentException, "ApplicationDescription is longer than 1024 characters")
	}
	if len(in.Inputs) > MaxInputs {
		return CreateApplicationOutput{}, errorf(ErrLimitExceededException, "an application has at most %d streaming input", MaxInputs)
	}
	if len(in.Outputs) > MaxOutputs {
		return CreateApplicationOutput{}, errorf(ErrLimitExceededException, "an application has at most %d outputs", MaxOutputs)
	}
	if err := validateTags(in.Tags); err != nil {
		return CreateApplicationOutput{}, err
	}
	now := s.now()
	a := &Application{svc: s, name: in.ApplicationName, arn: s.arn(in.ApplicationName), description: in.ApplicationDescription,
		code: in.ApplicationCode, status: StatusReady, version: 1, created: now, updated: now, tags: map[string]string{}}
	for _, i := range in.Inputs {
		ai, err := a.newInput(i)
		if err != nil {
			return CreateApplicationOutput{}, err
		}
		a.inputs = append(a.inputs, ai)
	}
	for _, o := range in.Outputs {
		ao, err := a.newOutput(o)
		if err != nil {
			return CreateApplicationOutput{}, err
		}
		a.outputs = append(a.outputs, ao)
	}
	for _, l := range in.CloudWatchLoggingOptions {
		if l.LogStreamARN == "" || l.RoleARN == "" {
			return CreateApplicationOutput{}, errorf(ErrInvalidArgumentException, "CloudWatchLoggingOption needs a LogStreamARN and a RoleARN")
		}
		a.logging = append(a.logging, &appLogging{id: a.newID(), cfg: l})
	}
	if err := a.validateCode(in.ApplicationCode); err != nil {
		return CreateApplicationOutput{}, err
	}
	for _, t := range in.Tags {
		a.tags[t.Key] = t.Value
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return CreateApplicationOutput{}, errClosed()
	}
	a.seed = s.rng.Uint64()
	if old, ok := s.apps.Get(&Application{name: in.ApplicationName}); ok {
		old.mu.Lock()
		old.catchUpLocked()
		gone := old.deleted
		old.mu.Unlock()
		if !gone {
			return CreateApplicationOutput{}, errorf(ErrResourceInUseException, "Application %s already exists", in.ApplicationName)
		}
		s.apps.Delete(old)
	}
	if s.apps.Len() >= MaxApplications {
		return CreateApplicationOutput{}, errorf(ErrLimitExceededException, "an account has at most %d applications", MaxApplications)
	}
	s.apps.ReplaceOrInsert(a)
	return CreateApplicationOutput{ApplicationSummary: ApplicationSummary{ApplicationName: a.name, ApplicationARN: a.arn,
		ApplicationStatus: StatusReady}}, nil
}

// Application returns the handle of an application by name.
func (s *Service) Application(name string) (*Application, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed()
	}
	a, ok := s.apps.Get(&Application{name: name})
	if !ok {
		return nil, errNotFound(name)
	}
	return a, nil
}

func errNotFound(name string) *Error {
	return errorf(ErrResourceNotFoundException, "Application %s is not found.", name)
}

// appByName returns an application whose pending status transition has
// been caught up with the clock; a deleted one is not found.
func (s *Service) appByName(name string) (*Application, error) {
	a, err := s.Application(name)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.catchUpLocked()
	gone := a.deleted
	a.mu.Unlock()
	if gone {
		return nil, errNotFound(name)
	}
	return a, nil
}

// DescribeApplicationInput is the input of [Service.DescribeApplication].
type DescribeApplicationInput struct {
	ApplicationName string
}

// DescribeApplication returns an application's configuration and status.
func (s *Service) DescribeApplication(ctx context.Context, in DescribeApplicationInput) (DescribeApplicationOutput, error) {
	if err := ctx.Err(); err != nil {
		return DescribeApplicationOutput{}, err
	}
	a, err := s.appByName(in.ApplicationName)
	if err != nil {
		return DescribeApplicationOutput{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return DescribeApplicationOutput{ApplicationDetail: a.detailLocked()}, nil
}

// ListApplications lists applications in name order, Limit (default and
// maximum 50) at a time after ExclusiveStartApplicationName.
func (s *Service) ListApplications(ctx context.Context, in ListApplicationsInput) (ListApplicationsOutput, error) {
	if err := ctx.Err(); err != nil {
		return ListApplicationsOutput{}, err
	}
	if in.Limit < 0 || in.Limit > 50 {
		return ListApplicationsOutput{}, errorf(ErrInvalidArgumentException, "Limit must be 1 to 50")
	}
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ListApplicationsOutput{}, errClosed()
	}
	var apps []*Application
	s.apps.AscendGreaterOrEqual(&Application{name: in.ExclusiveStartApplicationName}, func(a *Application) bool {
		if a.name != in.ExclusiveStartApplicationName {
			apps = append(apps, a)
		}
		return true
	})
	s.mu.Unlock()
	var out ListApplicationsOutput
	for _, a := range apps {
		a.mu.Lock()
		a.catchUpLocked()
		if !a.deleted {
			if len(out.ApplicationSummaries) == limit {
				out.HasMoreApplications = true
				a.mu.Unlock()
				break
			}
			out.ApplicationSummaries = append(out.ApplicationSummaries, ApplicationSummary{ApplicationName: a.name,
				ApplicationARN: a.arn, ApplicationStatus: a.status})
		}
		a.mu.Unlock()
	}
	return out, nil
}

// DeleteApplicationInput is the input of [Service.DeleteApplication].
type DeleteApplicationInput struct {
	ApplicationName string
	// CreateTimestamp must equal the application's, as AWS requires.
	CreateTimestamp time.Time
}

// DeleteApplication stops and deletes an application.
func (s *Service) DeleteApplication(ctx context.Context, in DeleteApplicationInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a, err := s.appByName(in.ApplicationName)
	if err != nil {
		return err
	}
	a.mu.Lock()
	if !a.created.Equal(in.CreateTimestamp) {
		a.mu.Unlock()
		return errorf(ErrInvalidArgumentException, "CreateTimestamp does not match application %s", a.name)
	}
	if a.transitionalLocked() {
		a.mu.Unlock()
		return errorf(ErrResourceInUseException, "Application %s is %s", a.name, a.status)
	}
	a.stopEngineLocked()
	a.beginLocked(StatusDeleting, "")
	deleted := a.deleted
	a.mu.Unlock()
	if deleted {
		s.mu.Lock()
		if cur, ok := s.apps.Get(a); ok && cur == a {
			s.apps.Delete(a)
		}
		s.mu.Unlock()
	}
	return nil
}

func validateTags(tags []Tag) error {
	if len(tags) > MaxTags {
		return errorf(ErrTooManyTagsException, "an application has at most %d tags", MaxTags)
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return errorf(ErrInvalidArgumentException, "tag keys are 1 to 128 characters and values up to 256")
		}
	}
	return nil
}

func (s *Service) appByARN(arn string) (*Application, error) {
	const prefix = "application/"
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			rest := arn[i+1:]
			if len(rest) > len(prefix) && rest[:len(prefix)] == prefix && arn == s.arn(rest[len(prefix):]) {
				return s.appByName(rest[len(prefix):])
			}
			break
		}
	}
	return nil, errorf(ErrResourceNotFoundException, "resource %s not found", arn)
}

// TagResourceInput is the input of [Service.TagResource].
type TagResourceInput struct {
	ResourceARN string
	Tags        []Tag
}

// TagResource adds or replaces tags (at most 50 in all).
func (s *Service) TagResource(ctx context.Context, in TagResourceInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateTags(in.Tags); err != nil {
		return err
	}
	a, err := s.appByARN(in.ResourceARN)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := len(a.tags)
	for _, t := range in.Tags {
		if _, ok := a.tags[t.Key]; !ok {
			n++
		}
	}
	if n > MaxTags {
		return errorf(ErrTooManyTagsException, "an application has at most %d tags", MaxTags)
	}
	for _, t := range in.Tags {
		a.tags[t.Key] = t.Value
	}
	return nil
}

// UntagResourceInput is the input of [Service.UntagResource].
type UntagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, in UntagResourceInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a, err := s.appByARN(in.ResourceARN)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(a.tags, k)
	}
	return nil
}

// ListTagsForResourceInput is the input of [Service.ListTagsForResource].
type ListTagsForResourceInput struct {
	ResourceARN string
}

// ListTagsForResourceOutput is the output of [Service.ListTagsForResource].
type ListTagsForResourceOutput struct {
	Tags []Tag
}

// ListTagsForResource returns an application's tags in key order.
func (s *Service) ListTagsForResource(ctx context.Context, in ListTagsForResourceInput) (ListTagsForResourceOutput, error) {
	if err := ctx.Err(); err != nil {
		return ListTagsForResourceOutput{}, err
	}
	a, err := s.appByARN(in.ResourceARN)
	if err != nil {
		return ListTagsForResourceOutput{}, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out ListTagsForResourceOutput
	for k, v := range a.tags {
		out.Tags = append(out.Tags, Tag{Key: k, Value: v})
	}
	sortTags(out.Tags)
	return out, nil
}
