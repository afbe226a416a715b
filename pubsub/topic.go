package pubsub

import (
	"context"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/btree"
)

// Topic is a handle on one topic. Its methods are publishing, subscribing
// and the topic's attributes. A Topic is safe for concurrent use; after
// DeleteTopic every method returns NotFound.
type Topic struct {
	svc  *Service
	name string
	arn  string
	fifo bool

	// mu guards the topic and its subscriptions.
	mu       sync.Mutex
	deleted  bool
	rng      *rand.Rand
	settings topicSettings
	tags     map[string]string
	nextSub  uint64
	subs     *btree.BTreeG[*Subscription] // by seq: creation order
	// subsByKey finds a subscription by protocol and endpoint, subsByARN
	// by ARN.
	subsByKey       map[string]*Subscription
	subsByARN       map[string]*Subscription
	subsDeleted     int
	filterPolicies  int
	dedup           dedupWindow
	lastSequenceNum uint64
	lastNow         time.Time

	// deliverMu keeps a FIFO topic's deliveries in publish order: a
	// publisher takes it before releasing mu and holds it while it
	// delivers. Deliveries take no lock that is held while waiting for it.
	deliverMu sync.Mutex
	// retries are failed http deliveries waiting for their next attempt.
	retries retries
	// archive holds the published messages while an ArchivePolicy is set.
	archive *archive
}

// Topic and subscription attribute names, as AWS spells them.
const (
	AttrDeliveryPolicy            = "DeliveryPolicy"
	AttrDisplayName               = "DisplayName"
	AttrPolicy                    = "Policy"
	AttrTracingConfig             = "TracingConfig"
	AttrKmsMasterKeyId            = "KmsMasterKeyId"
	AttrSignatureVersion          = "SignatureVersion"
	AttrFifoTopic                 = "FifoTopic"
	AttrContentBasedDeduplication = "ContentBasedDeduplication"
	AttrFifoThroughputScope       = "FifoThroughputScope"
	AttrArchivePolicy             = "ArchivePolicy"
	AttrDataProtectionPolicy      = "DataProtectionPolicy"
	AttrTopicArn                  = "TopicArn"
	AttrOwner                     = "Owner"
	AttrSubscriptionsConfirmed    = "SubscriptionsConfirmed"
	AttrSubscriptionsPending      = "SubscriptionsPending"
	AttrSubscriptionsDeleted      = "SubscriptionsDeleted"
	AttrEffectiveDeliveryPolicy   = "EffectiveDeliveryPolicy"
)

// defaultEffectiveDeliveryPolicy is what AWS reports for a topic without a
// DeliveryPolicy.
const defaultEffectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// maxDataProtectionPolicyLength is AWS's limit on a data protection policy.
const maxDataProtectionPolicyLength = 30720

// feedbackAttr matches the delivery-status logging attributes, which are
// stored as given.
var feedbackAttr = regexp.MustCompile(`^(HTTP|Firehose|Lambda|SQS|Application)(Success|Failure)Feedback(RoleArn|SampleRate)$`)

// topicSettings are a topic's settable attributes.
type topicSettings struct {
	fifo  bool
	attrs map[string]string // as set, by AWS name; absent = default
	cbd   bool
	// groupScope is FifoThroughputScope=MessageGroup: deduplication per
	// message group.
	groupScope bool
}

func defaultTopicSettings(fifo bool) topicSettings {
	return topicSettings{fifo: fifo, attrs: map[string]string{}}
}

// set validates and applies one attribute. prefix goes before the
// attribute's name in errors ("Attributes Reason: " on CreateTopic).
func (st *topicSettings) set(name, value, prefix string) error {
	bad := func() error { return errParam("%s%s: Invalid value [%s].", prefix, name, value) }
	switch {
	case name == AttrDisplayName, name == AttrKmsMasterKeyId, feedbackAttr.MatchString(name):
	case name == AttrPolicy, name == AttrDeliveryPolicy, name == AttrArchivePolicy, name == AttrDataProtectionPolicy:
		if name == AttrArchivePolicy && !st.fifo {
			return errParam("%s%s: Archive policy can only be set for FIFO topics", prefix, name)
		}
		if name == AttrArchivePolicy {
			v, err := normalizeArchivePolicy(value, prefix)
			if err != nil {
				return err
			}
			value = v
		}
		if name == AttrDataProtectionPolicy && len(value) > maxDataProtectionPolicyLength {
			return errParam("%s%s: Data protection policy exceeds the maximum length of %d", prefix, name, maxDataProtectionPolicyLength)
		}
		if value != "" && !isJSONObject(value) {
			return errParam("%s%s: failed to parse JSON.", prefix, name)
		}
		if name == AttrDeliveryPolicy {
			if _, err := parseTopicDeliveryPolicy(value); err != nil {
				return err
			}
		}
	case name == AttrSignatureVersion:
		if value != "1" && value != "2" {
			return bad()
		}
	case name == AttrTracingConfig:
		if value != "PassThrough" && value != "Active" {
			return bad()
		}
	case name == AttrContentBasedDeduplication:
		b, ok := parseBool(value)
		if !ok {
			return errParam("%s%s: Invalid value [%s]. Must be true or false.", prefix, name, value)
		}
		if !st.fifo {
			return errParam("%s%s: Content based deduplication can only be set for FIFO topics", prefix, name)
		}
		st.cbd = b
		value = strconv.FormatBool(b)
	case name == AttrFifoThroughputScope:
		if value != "Topic" && value != "MessageGroup" {
			return bad()
		}
		if !st.fifo {
			return errParam("%s%s: FifoThroughputScope can only be set for FIFO topics", prefix, name)
		}
		st.groupScope = value == "MessageGroup"
	default:
		return errParam("AttributeName")
	}
	if value == "" {
		delete(st.attrs, name)
	} else {
		st.attrs[name] = value
	}
	return nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func isJSONObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil
}

func newTopic(s *Service, name string, fifo bool, st topicSettings, tags map[string]string, seed1, seed2 uint64) *Topic {
	t := &Topic{
		svc:       s,
		name:      name,
		arn:       s.topicARN(name),
		fifo:      fifo,
		rng:       rand.New(rand.NewPCG(seed1, seed2)),
		settings:  st,
		tags:      maps.Clone(tags),
		subs:      btree.NewG(btreeDegree, func(a, b *Subscription) bool { return a.seq < b.seq }),
		subsByKey: map[string]*Subscription{},
		subsByARN: map[string]*Subscription{},
		dedup:     newDedupWindow(),
		retries:   newRetries(),
	}
	if t.tags == nil {
		t.tags = map[string]string{}
	}
	t.syncArchiveLocked()
	return t
}

// sameAs checks a repeated CreateTopic against the topic it names.
func (t *Topic) sameAs(fifo bool, in CreateTopicInput, st topicSettings) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	differ := fifo != t.fifo
	for k := range in.Attributes {
		if k != AttrFifoTopic && st.attrs[k] != t.settings.attrs[k] {
			differ = true
		}
	}
	if differ {
		return errParam("Attributes Reason: Topic already exists with different attributes")
	}
	if len(in.Tags) > 0 && !maps.Equal(in.Tags, t.tags) {
		return errParam("Tags Reason: Topic already exists with different tags")
	}
	return nil
}

// Name returns the topic's name.
func (t *Topic) Name() string { return t.name }

// ARN returns the topic's ARN.
func (t *Topic) ARN() string { return t.arn }

// checkLocked returns NotFound once the topic is deleted, and
// ServiceUnavailable once the Service is closed. t.mu must be held.
func (t *Topic) checkLocked() error {
	if t.svc.closed.Load() {
		return errClosed()
	}
	if t.deleted {
		return errTopicNotFound()
	}
	return nil
}

// GetTopicAttributesInput is the input of [Topic.GetTopicAttributes].
type GetTopicAttributesInput struct{}

// GetTopicAttributesOutput is the output of [Topic.GetTopicAttributes].
type GetTopicAttributesOutput struct {
	Attributes map[string]string
}

// GetTopicAttributes returns the topic's attributes, as AWS names them.
func (t *Topic) GetTopicAttributes(ctx context.Context, in GetTopicAttributesInput) (GetTopicAttributesOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return GetTopicAttributesOutput{}, err
	}
	a := maps.Clone(t.settings.attrs)
	delete(a, AttrDataProtectionPolicy) // GetDataProtectionPolicy returns it
	a[AttrTopicArn] = t.arn
	a[AttrOwner] = t.svc.cfg.account
	if _, ok := a[AttrPolicy]; !ok {
		a[AttrPolicy] = t.defaultPolicy()
	}
	if _, ok := a[AttrDisplayName]; !ok {
		a[AttrDisplayName] = ""
	}
	a[AttrEffectiveDeliveryPolicy] = defaultEffectiveDeliveryPolicy
	if dp, ok := a[AttrDeliveryPolicy]; ok {
		a[AttrEffectiveDeliveryPolicy] = dp
	}
	confirmed, pending := 0, 0
	t.subs.Ascend(func(s *Subscription) bool {
		if s.pending {
			pending++
		} else {
			confirmed++
		}
		return true
	})
	a[AttrSubscriptionsConfirmed] = strconv.Itoa(confirmed)
	a[AttrSubscriptionsPending] = strconv.Itoa(pending)
	a[AttrSubscriptionsDeleted] = strconv.Itoa(t.subsDeleted)
	if t.fifo {
		a[AttrFifoTopic] = "true"
		a[AttrContentBasedDeduplication] = strconv.FormatBool(t.settings.cbd)
	}
	t.archiveAttributesLocked(a)
	return GetTopicAttributesOutput{Attributes: a}, nil
}

func (t *Topic) defaultPolicy() string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` +
		t.arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + t.svc.cfg.account + `"}}}]}`
}

// SetTopicAttributesInput is the input of [Topic.SetTopicAttributes].
type SetTopicAttributesInput struct {
	AttributeName string
	// AttributeValue "" removes an optional attribute.
	AttributeValue string
}

// SetTopicAttributesOutput is empty, as in AWS.
type SetTopicAttributesOutput struct{}

// SetTopicAttributes sets one attribute. FifoTopic cannot change.
func (t *Topic) SetTopicAttributes(ctx context.Context, in SetTopicAttributesInput) (SetTopicAttributesOutput, error) {
	if in.AttributeName == AttrFifoTopic {
		return SetTopicAttributesOutput{}, errParam("AttributeName")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return SetTopicAttributesOutput{}, err
	}
	st := t.settings
	st.attrs = maps.Clone(st.attrs)
	if err := st.set(in.AttributeName, in.AttributeValue, ""); err != nil {
		return SetTopicAttributesOutput{}, err
	}
	t.settings = st
	t.syncArchiveLocked()
	return SetTopicAttributesOutput{}, nil
}

// GetDataProtectionPolicyOutput is the output of [Topic.GetDataProtectionPolicy].
type GetDataProtectionPolicyOutput struct {
	DataProtectionPolicy string
}

// GetDataProtectionPolicy returns the topic's data protection policy ("" if
// none). The policy is stored, not enforced.
func (t *Topic) GetDataProtectionPolicy(ctx context.Context) (GetDataProtectionPolicyOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return GetDataProtectionPolicyOutput{}, err
	}
	return GetDataProtectionPolicyOutput{DataProtectionPolicy: t.settings.attrs[AttrDataProtectionPolicy]}, nil
}

// PutDataProtectionPolicy sets the topic's data protection policy.
func (t *Topic) PutDataProtectionPolicy(ctx context.Context, policy string) error {
	_, err := t.SetTopicAttributes(ctx, SetTopicAttributesInput{AttributeName: AttrDataProtectionPolicy, AttributeValue: policy})
	return err
}

// now returns the clock's time; a topic's clock reads never run backwards.
func (t *Topic) now() time.Time { return t.svc.cfg.clock.Now() }
