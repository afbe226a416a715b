package pubsub

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Subscription is a handle on one subscription. Its state is guarded by its
// topic's mutex. After Unsubscribe, or DeleteTopic of its topic, its
// methods return NotFound.
type Subscription struct {
	topic    *Topic
	arn      string
	seq      uint64
	protocol string
	endpoint string

	// Guarded by topic.mu.
	deleted  bool
	pending  bool
	token    string
	tokenAt  time.Time
	settings subSettings
	replay   *replayState
	nextSlot time.Time       // the earliest next http attempt under a throttle policy
	policy   *deliveryPolicy // http and https: see httpPolicyLocked
}

// Subscription attribute names, besides those shared with topics.
const (
	AttrRawMessageDelivery           = "RawMessageDelivery"
	AttrFilterPolicy                 = "FilterPolicy"
	AttrFilterPolicyScope            = "FilterPolicyScope"
	AttrRedrivePolicy                = "RedrivePolicy"
	AttrSubscriptionRoleArn          = "SubscriptionRoleArn"
	AttrReplayPolicy                 = "ReplayPolicy"
	AttrSubscriptionArn              = "SubscriptionArn"
	AttrProtocol                     = "Protocol"
	AttrEndpoint                     = "Endpoint"
	AttrPendingConfirmation          = "PendingConfirmation"
	AttrConfirmationWasAuthenticated = "ConfirmationWasAuthenticated"
	AttrSubscriptionPrincipal        = "SubscriptionPrincipal"
)

// Filter policy scopes.
const (
	ScopeMessageAttributes = "MessageAttributes"
	ScopeMessageBody       = "MessageBody"
)

// Subscription limits.
const (
	// MaxFilterPoliciesPerTopic is AWS's limit on subscriptions with a
	// filter policy per topic.
	MaxFilterPoliciesPerTopic = 200
	// MaxSubscriptionsPerFifoTopic is AWS's limit on a FIFO topic's
	// subscriptions.
	MaxSubscriptionsPerFifoTopic = 100
)

// protocols are the protocols SNS knows, and whether a subscription with
// them waits for confirmation.
var protocols = map[string]bool{
	"sqs": false, "lambda": false, "firehose": false, "sms": false, "application": false,
	"email": true, "email-json": true, "http": true, "https": true,
}

// subSettings are a subscription's settable attributes.
type subSettings struct {
	raw            bool
	filterPolicy   string // "" = none
	scope          string // "" = MessageAttributes
	filter         *filterPolicy
	redrivePolicy  string
	redriveTarget  string // deadLetterTargetArn
	deliveryPolicy string
	roleArn        string
	replayPolicy   string
}

// set validates and applies one attribute; prefix goes after "Invalid
// parameter: " in errors ("Attributes Reason: " on Subscribe).
func (st *subSettings) set(t *Topic, protocol, name, value, prefix string) error {
	switch name {
	case AttrRawMessageDelivery:
		b, ok := parseBool(value)
		if !ok {
			return errParam("%sRawMessageDelivery: Invalid value [%s]. Must be true or false.", prefix, value)
		}
		st.raw = b
	case AttrFilterPolicy:
		if value == "" {
			st.filterPolicy, st.filter = "", nil
			return nil
		}
		f, err := compileFilterPolicy(value, st.effectiveScope())
		if err != nil {
			return errParam("%s%s", prefix, err.Error())
		}
		st.filterPolicy, st.filter = value, f
	case AttrFilterPolicyScope:
		if value != ScopeMessageAttributes && value != ScopeMessageBody {
			return errParam("%sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", prefix, value)
		}
		st.scope = value
		if st.filterPolicy != "" {
			f, err := compileFilterPolicy(st.filterPolicy, value)
			if err != nil {
				return errParam("%s%s", prefix, err.Error())
			}
			st.filter = f
		}
	case AttrRedrivePolicy:
		if value == "" {
			st.redrivePolicy, st.redriveTarget = "", ""
			return nil
		}
		var rp struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if err := json.Unmarshal([]byte(value), &rp); err != nil {
			return errParam("%sRedrivePolicy: failed to parse JSON.", prefix)
		}
		parts := strings.Split(rp.DeadLetterTargetArn, ":")
		if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
			return errParam("%sRedrivePolicy: deadLetterTargetArn is an invalid arn", prefix)
		}
		if t.fifo && protocol == "sqs" && !strings.HasSuffix(parts[5], ".fifo") {
			return errParam("%sRedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.", prefix)
		}
		st.redrivePolicy, st.redriveTarget = value, rp.DeadLetterTargetArn
	case AttrDeliveryPolicy:
		if value != "" && !isJSONObject(value) {
			return errParam("%sDeliveryPolicy: failed to parse JSON.", prefix)
		}
		if _, err := parseSubDeliveryPolicy(value); err != nil {
			return err
		}
		st.deliveryPolicy = value
	case AttrSubscriptionRoleArn:
		st.roleArn = value
	case AttrReplayPolicy:
		if _, err := parseReplayPolicy(t.fifo, value, prefix); err != nil {
			return err
		}
		st.replayPolicy = value
	default:
		return errParam("AttributeName")
	}
	return nil
}

// apply sets the attributes of a Subscribe in name order, FilterPolicyScope
// first since it decides how FilterPolicy compiles.
func (st *subSettings) apply(t *Topic, protocol string, attrs map[string]string) error {
	if scope, ok := attrs[AttrFilterPolicyScope]; ok {
		if err := st.set(t, protocol, AttrFilterPolicyScope, scope, "Attributes Reason: "); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		if k == AttrFilterPolicyScope {
			continue
		}
		if err := st.set(t, protocol, k, attrs[k], "Attributes Reason: "); err != nil {
			return err
		}
	}
	return nil
}

func (st *subSettings) effectiveScope() string {
	if st.scope == "" {
		return ScopeMessageAttributes
	}
	return st.scope
}

// attributes renders the settable attributes as AWS returns them.
func (st *subSettings) attributes(a map[string]string) {
	a[AttrRawMessageDelivery] = strconv.FormatBool(st.raw)
	if st.filterPolicy != "" {
		a[AttrFilterPolicy] = st.filterPolicy
		a[AttrFilterPolicyScope] = st.effectiveScope()
	}
	for name, v := range map[string]string{AttrRedrivePolicy: st.redrivePolicy, AttrDeliveryPolicy: st.deliveryPolicy,
		AttrSubscriptionRoleArn: st.roleArn, AttrReplayPolicy: st.replayPolicy} {
		if v != "" {
			a[name] = v
		}
	}
}

// SubscribeInput is the input of [Topic.Subscribe].
type SubscribeInput struct {
	// Protocol: sqs, lambda, http, https, email, email-json, sms,
	// application, firehose.
	Protocol string
	// Endpoint: a queue ARN (sqs), a function ARN (lambda), a URL (http,
	// https), an address (email, email-json), a phone number in E.164 form
	// (sms), an endpoint ARN (application, firehose).
	Endpoint string
	// Attributes are subscription attributes by AWS name
	// (RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy...).
	Attributes map[string]string
	// ReturnSubscriptionArn returns the ARN even while the subscription waits
	// for confirmation.
	ReturnSubscriptionArn bool
}

// SubscribeOutput is the output of [Topic.Subscribe]. SubscriptionArn is
// "pending confirmation" for a subscription that waits for confirmation,
// unless ReturnSubscriptionArn was set.
type SubscribeOutput struct {
	SubscriptionArn string
}

// pendingConfirmation is what Subscribe returns instead of an ARN.
const pendingConfirmation = "pending confirmation"

// Subscribe subscribes an endpoint to the topic. Subscribing the same
// protocol and endpoint again returns the same subscription if the given
// attributes match it. sqs, lambda, sms, application and firehose
// subscriptions are confirmed at once. http and https endpoints are sent a
// SubscriptionConfirmation (email and email-json ones get it in the
// outbox), and the subscription waits for [Topic.ConfirmSubscription].
func (t *Topic) Subscribe(ctx context.Context, in SubscribeInput) (SubscribeOutput, error) {
	needsConfirm, known := protocols[in.Protocol]
	if !known {
		return SubscribeOutput{}, errParam("Amazon SNS does not support this protocol string: %s", in.Protocol)
	}
	if err := t.svc.validateEndpoint(t, in.Protocol, in.Endpoint); err != nil {
		return SubscribeOutput{}, err
	}
	var st subSettings
	if err := st.apply(t, in.Protocol, in.Attributes); err != nil {
		return SubscribeOutput{}, err
	}
	t.svc.mu.Lock()
	subID := t.svc.newUUIDLocked()
	token := t.svc.newTokenLocked()
	t.svc.mu.Unlock()

	var confirm *delivery
	var replay []delivery
	t.mu.Lock()
	defer func() {
		t.unlockReplay(ctx, replay)
		if confirm != nil {
			t.svc.deliver(ctx, *confirm)
		}
	}()
	if err := t.checkLocked(); err != nil {
		return SubscribeOutput{}, err
	}
	key := in.Protocol + "\x00" + in.Endpoint
	if sub, ok := t.subsByKey[key]; ok {
		cur := sub.settings
		next := cur
		if err := next.apply(t, in.Protocol, in.Attributes); err != nil {
			return SubscribeOutput{}, err
		}
		if next.raw != cur.raw || next.filterPolicy != cur.filterPolicy || next.effectiveScope() != cur.effectiveScope() ||
			next.redrivePolicy != cur.redrivePolicy || next.deliveryPolicy != cur.deliveryPolicy || next.roleArn != cur.roleArn || next.replayPolicy != cur.replayPolicy {
			return SubscribeOutput{}, errParam("Attributes Reason: Subscription already exists with different attributes")
		}
		if sub.pending { // ask again, with a fresh token
			sub.token, sub.tokenAt = token, t.nowLocked()
			confirm = t.confirmationLocked(sub)
		}
		if sub.pending && !in.ReturnSubscriptionArn {
			return SubscribeOutput{SubscriptionArn: pendingConfirmation}, nil
		}
		return SubscribeOutput{SubscriptionArn: sub.arn}, nil
	}
	if t.fifo && t.subs.Len() >= MaxSubscriptionsPerFifoTopic {
		return SubscribeOutput{}, ErrSubscriptionLimitExceeded.WithMessage("Subscription limit exceeded")
	}
	if st.filter != nil && t.filterPolicies >= MaxFilterPoliciesPerTopic {
		return SubscribeOutput{}, ErrFilterPolicyLimitExceeded.WithMessage("Filter policy limit exceeded")
	}
	t.nextSub++
	sub := &Subscription{
		topic:    t,
		arn:      t.arn + ":" + subID,
		seq:      t.nextSub,
		protocol: in.Protocol,
		endpoint: in.Endpoint,
		pending:  needsConfirm,
		settings: st,
	}
	if needsConfirm {
		sub.token, sub.tokenAt = token, t.nowLocked()
		confirm = t.confirmationLocked(sub)
	}
	if st.filter != nil {
		t.filterPolicies++
	}
	t.subs.ReplaceOrInsert(sub)
	t.subsByKey[key] = sub
	t.subsByARN[sub.arn] = sub
	replay = t.startReplayLocked(sub)
	if sub.pending && !in.ReturnSubscriptionArn {
		return SubscribeOutput{SubscriptionArn: pendingConfirmation}, nil
	}
	return SubscribeOutput{SubscriptionArn: sub.arn}, nil
}

// newTokenLocked returns a confirmation token. s.mu must be held.
func (s *Service) newTokenLocked() string {
	var b [64]byte
	for i := 0; i < len(b); i += 8 {
		v := s.rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(b[:])
}

// ConfirmationTokenLifetime is how long a confirmation token is valid.
const ConfirmationTokenLifetime = 48 * time.Hour

// ConfirmSubscriptionInput is the input of [Service.ConfirmSubscription]
// and [Topic.ConfirmSubscription].
type ConfirmSubscriptionInput struct {
	// TopicArn names the topic for [Service.ConfirmSubscription]; the
	// Topic method ignores it.
	TopicArn                  string
	Token                     string
	AuthenticateOnUnsubscribe bool
}

// ConfirmSubscriptionOutput is the output of [Topic.ConfirmSubscription].
type ConfirmSubscriptionOutput struct {
	SubscriptionArn string
}

// ConfirmSubscription confirms the subscription a token was sent for. A
// token is valid for 2 days; confirming twice returns the same ARN.
func (t *Topic) ConfirmSubscription(ctx context.Context, in ConfirmSubscriptionInput) (ConfirmSubscriptionOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return ConfirmSubscriptionOutput{}, err
	}
	var found *Subscription
	t.subs.Ascend(func(s *Subscription) bool {
		if s.token != "" && s.token == in.Token {
			found = s
			return false
		}
		return true
	})
	if found == nil || t.nowLocked().Sub(found.tokenAt) > ConfirmationTokenLifetime {
		return ConfirmSubscriptionOutput{}, errParam("Token")
	}
	found.pending = false
	return ConfirmSubscriptionOutput{SubscriptionArn: found.arn}, nil
}

// ConfirmSubscription confirms the subscription a token was sent for on
// the topic in.TopicArn names, as the SubscribeURL of a confirmation
// message does when followed.
func (s *Service) ConfirmSubscription(ctx context.Context, in ConfirmSubscriptionInput) (ConfirmSubscriptionOutput, error) {
	t, err := s.TopicFromARN(in.TopicArn)
	if err != nil {
		return ConfirmSubscriptionOutput{}, err
	}
	return t.ConfirmSubscription(ctx, in)
}

// SubscriptionFromARN returns the subscription an ARN names, or NotFound.
func (s *Service) SubscriptionFromARN(arn string) (*Subscription, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 {
		return nil, errParam("SubscriptionArn Reason: An ARN must have at least 6 elements, not %d", len(parts))
	}
	if len(parts) != 7 {
		return nil, errSubscriptionNotFound()
	}
	t, err := s.topicFromARN(arn[:strings.LastIndexByte(arn, ':')], "SubscriptionArn")
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == ErrNotFound.Code {
			return nil, errSubscriptionNotFound()
		}
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	sub, ok := t.subsByARN[arn]
	if !ok {
		return nil, errSubscriptionNotFound()
	}
	return sub, nil
}

// UnsubscribeInput is the input of [Service.Unsubscribe].
type UnsubscribeInput struct {
	SubscriptionArn string
}

// UnsubscribeOutput is empty, as in AWS.
type UnsubscribeOutput struct{}

// Unsubscribe deletes a subscription; a confirmed http or https endpoint
// is sent an UnsubscribeConfirmation. Unsubscribing one that does not
// exist succeeds, as on AWS.
func (s *Service) Unsubscribe(ctx context.Context, in UnsubscribeInput) (UnsubscribeOutput, error) {
	sub, err := s.SubscriptionFromARN(in.SubscriptionArn)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == ErrNotFound.Code {
			return UnsubscribeOutput{}, nil
		}
		return UnsubscribeOutput{}, err
	}
	t := sub.topic
	var notice *delivery
	t.mu.Lock()
	defer func() {
		t.mu.Unlock()
		if notice != nil {
			s.deliver(ctx, *notice)
		}
	}()
	if sub.deleted {
		return UnsubscribeOutput{}, nil
	}
	if !sub.pending {
		notice = t.unsubscribeConfirmationLocked(sub)
	}
	sub.deleted = true
	t.subs.Delete(sub)
	delete(t.subsByKey, sub.protocol+"\x00"+sub.endpoint)
	delete(t.subsByARN, sub.arn)
	if sub.settings.filter != nil {
		t.filterPolicies--
	}
	t.subsDeleted++
	return UnsubscribeOutput{}, nil
}

// checkLocked returns NotFound once the subscription is deleted, and
// ServiceUnavailable once the Service is closed. topic.mu must be held.
func (sub *Subscription) checkLocked() error {
	if sub.topic.svc.closed.Load() {
		return errClosed()
	}
	if sub.deleted {
		return errSubscriptionNotFound()
	}
	return nil
}

// ARN returns the subscription's ARN.
func (sub *Subscription) ARN() string { return sub.arn }

// GetSubscriptionAttributesOutput is the output of
// [Subscription.GetSubscriptionAttributes].
type GetSubscriptionAttributesOutput struct {
	Attributes map[string]string
}

// GetSubscriptionAttributes returns the subscription's attributes as AWS
// names them. FilterPolicy and FilterPolicyScope appear only while a
// policy is set.
func (sub *Subscription) GetSubscriptionAttributes(ctx context.Context) (GetSubscriptionAttributesOutput, error) {
	t := sub.topic
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := sub.checkLocked(); err != nil {
		return GetSubscriptionAttributesOutput{}, err
	}
	a := map[string]string{
		AttrSubscriptionArn:              sub.arn,
		AttrTopicArn:                     t.arn,
		AttrOwner:                        t.svc.cfg.account,
		AttrProtocol:                     sub.protocol,
		AttrEndpoint:                     sub.endpoint,
		AttrPendingConfirmation:          strconv.FormatBool(sub.pending),
		AttrConfirmationWasAuthenticated: strconv.FormatBool(!sub.pending),
		AttrSubscriptionPrincipal:        "arn:aws:iam::" + t.svc.cfg.account + ":root",
	}
	sub.settings.attributes(a)
	sub.replayAttributesLocked(a)
	if sub.protocol == "http" || sub.protocol == "https" {
		a[AttrEffectiveDeliveryPolicy] = effectiveSubscriptionPolicy(t.settings.attrs[AttrDeliveryPolicy], sub.settings.deliveryPolicy)
	}
	return GetSubscriptionAttributesOutput{Attributes: a}, nil
}

// SetSubscriptionAttributesInput is the input of
// [Subscription.SetSubscriptionAttributes].
type SetSubscriptionAttributesInput struct {
	AttributeName string
	// AttributeValue "" removes FilterPolicy, RedrivePolicy and the other
	// optional attributes.
	AttributeValue string
}

// SetSubscriptionAttributesOutput is empty, as in AWS.
type SetSubscriptionAttributesOutput struct{}

// SetSubscriptionAttributes sets one attribute: DeliveryPolicy,
// FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy,
// SubscriptionRoleArn or ReplayPolicy.
func (sub *Subscription) SetSubscriptionAttributes(ctx context.Context, in SetSubscriptionAttributesInput) (SetSubscriptionAttributesOutput, error) {
	t := sub.topic
	var replay []delivery
	t.mu.Lock()
	defer func() { t.unlockReplay(ctx, replay) }()
	if err := sub.checkLocked(); err != nil {
		return SetSubscriptionAttributesOutput{}, err
	}
	st := sub.settings
	if err := st.set(t, sub.protocol, in.AttributeName, in.AttributeValue, ""); err != nil {
		return SetSubscriptionAttributesOutput{}, err
	}
	had, has := sub.settings.filter != nil, st.filter != nil
	if has && !had && t.filterPolicies >= MaxFilterPoliciesPerTopic {
		return SetSubscriptionAttributesOutput{}, ErrFilterPolicyLimitExceeded.WithMessage("Filter policy limit exceeded")
	}
	switch {
	case has && !had:
		t.filterPolicies++
	case had && !has:
		t.filterPolicies--
	}
	sub.settings = st
	if in.AttributeName == AttrReplayPolicy {
		replay = t.startReplayLocked(sub)
	}
	return SetSubscriptionAttributesOutput{}, nil
}

// SubscriptionSummary is one entry of a subscription list.
type SubscriptionSummary struct {
	SubscriptionArn string // "PendingConfirmation" while it waits
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

func (sub *Subscription) summaryLocked() SubscriptionSummary {
	arn := sub.arn
	if sub.pending {
		arn = "PendingConfirmation"
	}
	return SubscriptionSummary{SubscriptionArn: arn, Owner: sub.topic.svc.cfg.account, Protocol: sub.protocol,
		Endpoint: sub.endpoint, TopicArn: sub.topic.arn}
}

// ListSubscriptionsByTopicInput is the input of [Topic.ListSubscriptionsByTopic].
type ListSubscriptionsByTopicInput struct {
	NextToken string
}

// ListSubscriptionsByTopicOutput is the output of
// [Topic.ListSubscriptionsByTopic]: up to 100 subscriptions in creation
// order, and a NextToken when more follow.
type ListSubscriptionsByTopicOutput struct {
	Subscriptions []SubscriptionSummary
	NextToken     string
}

// ListSubscriptionsByTopic lists the topic's subscriptions, 100 per page.
func (t *Topic) ListSubscriptionsByTopic(ctx context.Context, in ListSubscriptionsByTopicInput) (ListSubscriptionsByTopicOutput, error) {
	after, err := decodeSeqToken(in.NextToken, "s")
	if err != nil {
		return ListSubscriptionsByTopicOutput{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.checkLocked(); err != nil {
		return ListSubscriptionsByTopicOutput{}, err
	}
	var out ListSubscriptionsByTopicOutput
	out.Subscriptions, out.NextToken = t.listLocked(after, ListPageSize, nil)
	if out.NextToken != "" {
		out.NextToken = encodeToken("s", out.NextToken)
	}
	return out, nil
}

// listLocked appends to dst up to limit subscriptions with seq > after, and
// returns the last seq as a string if more follow. t.mu must be held.
func (t *Topic) listLocked(after uint64, limit int, dst []SubscriptionSummary) ([]SubscriptionSummary, string) {
	more := ""
	var last uint64
	t.subs.AscendGreaterOrEqual(&Subscription{seq: after + 1}, func(s *Subscription) bool {
		if limit == 0 {
			more = strconv.FormatUint(last, 10)
			return false
		}
		dst = append(dst, s.summaryLocked())
		last = s.seq
		limit--
		return true
	})
	return dst, more
}

func decodeSeqToken(tok, kind string) (uint64, error) {
	s, err := decodeToken(tok, kind)
	if err != nil || s == "" {
		return 0, err
	}
	n, perr := strconv.ParseUint(s, 10, 64)
	if perr != nil {
		return 0, errParam("NextToken")
	}
	return n, nil
}

// ListSubscriptionsInput is the input of [Service.ListSubscriptions].
type ListSubscriptionsInput struct {
	NextToken string
}

// ListSubscriptionsOutput is the output of [Service.ListSubscriptions].
type ListSubscriptionsOutput struct {
	Subscriptions []SubscriptionSummary
	NextToken     string
}

// ListSubscriptions lists every subscription, 100 per page, by topic name
// and then creation order.
func (s *Service) ListSubscriptions(ctx context.Context, in ListSubscriptionsInput) (ListSubscriptionsOutput, error) {
	raw, err := decodeToken(in.NextToken, "a")
	if err != nil {
		return ListSubscriptionsOutput{}, err
	}
	afterTopic, afterSeq := "", uint64(0)
	if raw != "" {
		seq, name, ok := strings.Cut(raw, "/")
		n, perr := strconv.ParseUint(seq, 10, 64)
		if !ok || perr != nil {
			return ListSubscriptionsOutput{}, errParam("NextToken")
		}
		afterTopic, afterSeq = name, n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return ListSubscriptionsOutput{}, errClosed()
	}
	var out ListSubscriptionsOutput
	s.topics.AscendGreaterOrEqual(&Topic{name: afterTopic}, func(t *Topic) bool {
		after := uint64(0)
		if t.name == afterTopic {
			after = afterSeq
		}
		t.mu.Lock()
		var more string
		out.Subscriptions, more = t.listLocked(after, ListPageSize-len(out.Subscriptions), out.Subscriptions)
		t.mu.Unlock()
		if more != "" {
			out.NextToken = encodeToken("a", more+"/"+t.name)
			return false
		}
		return true
	})
	return out, nil
}
