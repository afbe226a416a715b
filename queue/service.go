package queue

import (
	"context"
	"encoding/base64"
	"maps"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/btree"
)

// Service is Amazon SQS for one AWS account in one region. Its methods are
// the control-plane operations; the data-plane ones are on [Queue].
//
// A Service is safe for concurrent use. Close it to stop its timers and wake
// every long poll.
type Service struct {
	cfg config

	mu      sync.Mutex
	queues  *btree.BTreeG[*Queue] // by name
	deleted map[string]time.Time  // name -> when DeleteQueue ran, for 60 s
	tasks   moveTasks
	closed  chan struct{}
}

// New returns a Service with no queues.
func New(opts ...Option) *Service {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return &Service{
		cfg:     cfg,
		queues:  btree.NewG(btreeDegree, func(a, b *Queue) bool { return a.name < b.name }),
		deleted: map[string]time.Time{},
		closed:  make(chan struct{}),
	}
}

// Close wakes every long poll with ErrServiceUnavailable; every later call
// returns it too. Close is idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.isClosed() {
		close(s.closed)
	}
	if s.tasks.timer != nil {
		s.tasks.timer.Stop()
		s.tasks.timer = nil
	}
	return nil
}

func (s *Service) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

func (s *Service) queueURL(name string) string {
	return "https://sqs." + s.cfg.region + ".amazonaws.com/" + s.cfg.account + "/" + name
}

func (s *Service) queueARN(name string) string {
	return "arn:aws:sqs:" + s.cfg.region + ":" + s.cfg.account + ":" + name
}

// Queue limits.
const (
	MaxQueueNameLength  = 80
	QueueDeleteCooldown = 60 * time.Second
	PurgeCooldown       = 60 * time.Second
)

// CreateQueueInput is the input of [Service.CreateQueue].
type CreateQueueInput struct {
	// QueueName: 1..80 characters of [A-Za-z0-9_-]; a FIFO queue's ends in
	// ".fifo". Case-sensitive.
	QueueName  string
	Attributes Attributes
	// Tags are applied only when the queue is new.
	Tags map[string]string
}

// CreateQueue creates a queue, or returns the existing one when every given
// attribute equals the existing queue's. A differing attribute gives
// ErrQueueNameExists; a name deleted less than 60 s ago gives
// ErrQueueDeletedRecently.
func (s *Service) CreateQueue(ctx context.Context, in CreateQueueInput) (*Queue, error) {
	fifo := in.Attributes.FifoQueue != nil && *in.Attributes.FifoQueue
	if err := validateQueueName(in.QueueName, fifo); err != nil {
		return nil, err
	}
	st, err := defaultSettings(fifo).apply(in.Attributes, true)
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.QueueName, in.Tags); err != nil {
		return nil, err
	}
	if err := s.checkRedriveTarget(in.Attributes.RedrivePolicy, s.queueARN(in.QueueName), fifo); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return nil, errClosed()
	}
	now := s.cfg.clock.Now()
	if q, ok := s.queues.Get(&Queue{name: in.QueueName}); ok {
		if err := q.sameAttributes(in.Attributes); err != nil {
			return nil, err
		}
		return q, nil
	}
	if at, ok := s.deleted[in.QueueName]; ok {
		if now.Sub(at) < QueueDeleteCooldown {
			return nil, ErrQueueDeletedRecently.WithMessage(
				"You must wait 60 seconds after deleting a queue before you can create another with the same name.")
		}
		delete(s.deleted, in.QueueName)
	}
	r := s.cfg.rand
	q := newQueue(s, in.QueueName, st, now, r.Uint64(), r.Uint64())
	maps.Copy(q.tags, in.Tags)
	s.queues.ReplaceOrInsert(q)
	return q, nil
}

func (q *Queue) sameAttributes(a Attributes) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if name, differ := q.settings.differsAt(a.specified()); differ {
		return errorf(ErrQueueNameExists,
			"A queue already exists with the same name and a different value for attribute %s", name)
	}
	return nil
}

// validateQueueName applies SQS's name rules.
func validateQueueName(name string, fifo bool) error {
	base, isFifoName := strings.CutSuffix(name, ".fifo")
	valid := len(name) >= 1 && len(name) <= MaxQueueNameLength && len(base) > 0
	for i := 0; valid && i < len(base); i++ {
		c := base[i]
		valid = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	switch {
	case fifo && (!valid || !isFifoName):
		return errorf(ErrInvalidParameterValue,
			"The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	case !fifo && (!valid || isFifoName):
		return errorf(ErrInvalidParameterValue,
			"Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	return nil
}

// GetQueueUrlInput is the input of [Service.GetQueueUrl].
type GetQueueUrlInput struct {
	QueueName string
	// QueueOwnerAWSAccountId, if set, must be this Service's account.
	QueueOwnerAWSAccountId string
}

// GetQueueUrlOutput is the output of [Service.GetQueueUrl].
type GetQueueUrlOutput struct {
	QueueUrl string
}

// GetQueueUrl returns the URL of the named queue.
func (s *Service) GetQueueUrl(ctx context.Context, in GetQueueUrlInput) (GetQueueUrlOutput, error) {
	if in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != s.cfg.account {
		return GetQueueUrlOutput{}, errQueueDoesNotExist()
	}
	q, err := s.lookup(in.QueueName)
	if err != nil {
		return GetQueueUrlOutput{}, err
	}
	return GetQueueUrlOutput{QueueUrl: q.url}, nil
}

func (s *Service) lookup(name string) (*Queue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return nil, errClosed()
	}
	q, ok := s.queues.Get(&Queue{name: name})
	if !ok {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

// QueueFromURL returns the queue a URL names. Any scheme and host are
// accepted, so URLs that SDKs rewrite for a local endpoint work; the path
// must be /<account>/<name> with this Service's account.
func (s *Service) QueueFromURL(queueURL string) (*Queue, error) {
	u, err := url.Parse(queueURL)
	if err != nil {
		return nil, errQueueDoesNotExist()
	}
	account, name, ok := strings.Cut(strings.Trim(u.Path, "/"), "/")
	if !ok || account != s.cfg.account || strings.Contains(name, "/") {
		return nil, errQueueDoesNotExist()
	}
	return s.lookup(name)
}

// ListQueuesInput is the input of [Service.ListQueues].
type ListQueuesInput struct {
	// QueueNamePrefix keeps only queues whose names start with it.
	QueueNamePrefix string
	// MaxResults (1..1000) turns on paging; 0 returns up to 1,000 queues
	// with no NextToken.
	MaxResults int
	// NextToken continues a previous page.
	NextToken string
}

// ListQueuesOutput is the output of [Service.ListQueues]. Queues are in
// name order.
type ListQueuesOutput struct {
	QueueUrls []string
	NextToken string
}

// ListQueues lists queue URLs by name prefix, with paging.
func (s *Service) ListQueues(ctx context.Context, in ListQueuesInput) (ListQueuesOutput, error) {
	return s.listQueues(in.QueueNamePrefix, in.MaxResults, in.NextToken, func(*Queue) bool { return true })
}

// listQueues pages through the queues whose names start with prefix and
// that keep accepts, in name order. keep runs with s.mu held.
func (s *Service) listQueues(prefix string, maxResults int, nextToken string, keep func(*Queue) bool) (ListQueuesOutput, error) {
	if maxResults < 0 || maxResults > 1000 {
		return ListQueuesOutput{}, errorf(ErrInvalidParameterValue,
			"Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
	}
	if nextToken != "" && maxResults == 0 {
		return ListQueuesOutput{}, errorf(ErrInvalidParameterValue,
			"MaxResults is a mandatory parameter when you provide a value for NextToken.")
	}
	after := ""
	if nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(nextToken)
		if err != nil || !strings.HasPrefix(string(raw), "q:") {
			return ListQueuesOutput{}, errorf(ErrInvalidParameterValue, "Invalid NextToken value.")
		}
		after = string(raw[2:])
	}
	limit := maxResults
	if limit == 0 {
		limit = 1000
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed() {
		return ListQueuesOutput{}, errClosed()
	}
	var out ListQueuesOutput
	var last string
	s.queues.AscendGreaterOrEqual(&Queue{name: max(after, prefix)}, func(q *Queue) bool {
		if q.name == after {
			return true
		}
		if !strings.HasPrefix(q.name, prefix) {
			return false
		}
		if !keep(q) {
			return true
		}
		if len(out.QueueUrls) == limit {
			if maxResults > 0 {
				out.NextToken = base64.RawURLEncoding.EncodeToString([]byte("q:" + last))
			}
			return false
		}
		out.QueueUrls = append(out.QueueUrls, q.url)
		last = q.name
		return true
	})
	return out, nil
}

// DeleteQueueInput is the input of [Service.DeleteQueue].
type DeleteQueueInput struct {
	QueueUrl string
}

// DeleteQueueOutput is empty, as in AWS.
type DeleteQueueOutput struct{}

// DeleteQueue deletes a queue and its messages. Handles on it return
// ErrQueueDoesNotExist from then on, long polls on it are woken with that
// error, and its name cannot be reused for 60 s.
func (s *Service) DeleteQueue(ctx context.Context, in DeleteQueueInput) (DeleteQueueOutput, error) {
	q, err := s.QueueFromURL(in.QueueUrl)
	if err != nil {
		return DeleteQueueOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.queues.Get(q); !ok || cur != q {
		return DeleteQueueOutput{}, errQueueDoesNotExist()
	}
	now := s.cfg.clock.Now()
	if !s.isClosed() {
		s.advanceTasksLocked(now) // what move tasks owe by now reaches q first
	}
	s.queues.Delete(q)
	s.deleted[q.name] = now
	s.forgetOldDeletionsLocked(now)
	q.mu.Lock()
	q.deleted = true
	q.wakeLocked()
	q.mu.Unlock()
	return DeleteQueueOutput{}, nil
}

// forgetOldDeletionsLocked drops cooldowns that have ended, so the map holds
// only the last minute's deletions. s.mu must be held.
func (s *Service) forgetOldDeletionsLocked(now time.Time) {
	for name, at := range s.deleted {
		if now.Sub(at) >= QueueDeleteCooldown {
			delete(s.deleted, name)
		}
	}
}
