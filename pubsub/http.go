package pubsub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/btree"

	"github.com/sluicehq/sluice/internal/clock"
)

// HTTPRequestTimeout is how long SNS waits for an http or https endpoint to
// answer before counting the attempt as failed.
const HTTPRequestTimeout = 15 * time.Second

// maxRetryTime is the longest a delivery policy may retry for.
const maxRetryTime = 3600 * time.Second

// retryPolicy is a healthyRetryPolicy of a delivery policy.
// Its fields are in the order AWS renders them.
type retryPolicy struct {
	MinDelayTarget     int    `json:"minDelayTarget"`
	MaxDelayTarget     int    `json:"maxDelayTarget"`
	NumRetries         int    `json:"numRetries"`
	NumMaxDelayRetries int    `json:"numMaxDelayRetries"`
	NumNoDelayRetries  int    `json:"numNoDelayRetries"`
	NumMinDelayRetries int    `json:"numMinDelayRetries"`
	BackoffFunction    string `json:"backoffFunction"`
}

var defaultRetryPolicy = retryPolicy{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "linear"}

// requestPolicy is the requestPolicy of a delivery policy.
type requestPolicy struct {
	HeaderContentType string `json:"headerContentType"`
}

// throttlePolicy is the throttlePolicy of a delivery policy: at most
// MaxReceivesPerSecond attempts a second to the endpoint.
type throttlePolicy struct {
	MaxReceivesPerSecond int `json:"maxReceivesPerSecond"`
}

// validate applies AWS's rule to a throttle policy.
func (p throttlePolicy) validate(field string) error {
	if p.MaxReceivesPerSecond < 1 {
		return errParam("DeliveryPolicy: %s.maxReceivesPerSecond must be greater than or equal to 1", field)
	}
	return nil
}

// topicDeliveryPolicy is a topic's DeliveryPolicy: {"http":{...}}.
type topicDeliveryPolicy struct {
	HTTP *struct {
		DefaultHealthyRetryPolicy    *retryPolicy    `json:"defaultHealthyRetryPolicy"`
		DisableSubscriptionOverrides bool            `json:"disableSubscriptionOverrides"`
		DefaultThrottlePolicy        *throttlePolicy `json:"defaultThrottlePolicy"`
		DefaultRequestPolicy         *requestPolicy  `json:"defaultRequestPolicy"`
	} `json:"http"`
}

// subDeliveryPolicy is a subscription's DeliveryPolicy.
type subDeliveryPolicy struct {
	HealthyRetryPolicy *retryPolicy    `json:"healthyRetryPolicy"`
	ThrottlePolicy     *throttlePolicy `json:"throttlePolicy"`
	RequestPolicy      *requestPolicy  `json:"requestPolicy"`
}

// schedule returns the delays before each retry: the no-delay retries,
// then the minimum-delay ones, then the backoff phase from minDelayTarget
// to maxDelayTarget, then the maximum-delay ones. AWS publishes the
// backoff curves only as a graph; sluice uses, for retry i of n in the
// backoff phase (x = i/n): linear min+(max-min)·x, arithmetic
// min+(max-min)·x², geometric min·(max/min)^x and exponential
// min·(max/min)^(x²), rounded to whole seconds.
func (p retryPolicy) schedule() []time.Duration {
	var out []time.Duration
	sec := func(s float64) time.Duration { return time.Duration(math.Round(s)) * time.Second }
	for range p.NumNoDelayRetries {
		out = append(out, 0)
	}
	for range p.NumMinDelayRetries {
		out = append(out, sec(float64(p.MinDelayTarget)))
	}
	n := p.NumRetries - p.NumNoDelayRetries - p.NumMinDelayRetries - p.NumMaxDelayRetries
	lo, hi := float64(p.MinDelayTarget), float64(p.MaxDelayTarget)
	for i := 1; i <= n; i++ {
		x := float64(i) / float64(n)
		var d float64
		switch p.BackoffFunction {
		case "arithmetic":
			d = lo + (hi-lo)*x*x
		case "geometric":
			d = lo * math.Pow(hi/lo, x)
		case "exponential":
			d = lo * math.Pow(hi/lo, x*x)
		default:
			d = lo + (hi-lo)*x
		}
		out = append(out, sec(d))
	}
	for range p.NumMaxDelayRetries {
		out = append(out, sec(hi))
	}
	return out
}

// validate applies AWS's rules to a retry policy; field names the policy
// in errors ("http.defaultHealthyRetryPolicy" or "healthyRetryPolicy").
func (p retryPolicy) validate(field string) error {
	bad := func(reason string) error {
		return errParam("DeliveryPolicy: %s.%s", field, reason)
	}
	switch {
	case p.MinDelayTarget < 1 || p.MinDelayTarget > p.MaxDelayTarget:
		return bad("minDelayTarget must be between 1 and maxDelayTarget")
	case p.MaxDelayTarget > 3600:
		return bad("maxDelayTarget must be at most 3600")
	case p.NumRetries < 0 || p.NumRetries > 100:
		return bad("numRetries must be between 0 and 100")
	case p.NumNoDelayRetries < 0 || p.NumMinDelayRetries < 0 || p.NumMaxDelayRetries < 0 ||
		p.NumNoDelayRetries+p.NumMinDelayRetries+p.NumMaxDelayRetries > p.NumRetries:
		return bad("numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries must add up to at most numRetries")
	}
	switch p.BackoffFunction {
	case "", "linear", "arithmetic", "geometric", "exponential":
	default:
		return bad("backoffFunction must be linear, arithmetic, geometric or exponential")
	}
	var total time.Duration
	for _, d := range p.schedule() {
		total += d
	}
	if total > maxRetryTime {
		return errParam("DeliveryPolicy: %s: Total policy retry time cannot be greater than 3600 seconds", field)
	}
	return nil
}

// parseTopicDeliveryPolicy validates a topic's DeliveryPolicy.
func parseTopicDeliveryPolicy(s string) (topicDeliveryPolicy, error) {
	var p topicDeliveryPolicy
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, errParam("DeliveryPolicy: failed to parse JSON.")
	}
	if p.HTTP == nil {
		return p, nil
	}
	if rp := p.HTTP.DefaultHealthyRetryPolicy; rp != nil {
		if err := rp.validate("http.defaultHealthyRetryPolicy"); err != nil {
			return p, err
		}
	}
	if tp := p.HTTP.DefaultThrottlePolicy; tp != nil {
		return p, tp.validate("http.defaultThrottlePolicy")
	}
	return p, nil
}

// parseSubDeliveryPolicy validates a subscription's DeliveryPolicy.
func parseSubDeliveryPolicy(s string) (subDeliveryPolicy, error) {
	var p subDeliveryPolicy
	if s == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, errParam("DeliveryPolicy: failed to parse JSON.")
	}
	if p.HealthyRetryPolicy != nil {
		if err := p.HealthyRetryPolicy.validate("healthyRetryPolicy"); err != nil {
			return p, err
		}
	}
	if p.ThrottlePolicy != nil {
		return p, p.ThrottlePolicy.validate("throttlePolicy")
	}
	return p, nil
}

// httpPolicy is the delivery policy in force for an http or https
// subscription.
type httpPolicy struct {
	retry        retryPolicy
	contentType  string
	maxPerSecond int // 0: not throttled
}

// effectiveHTTPPolicy is the delivery policy of an http subscription: the
// subscription's policy overrides the topic's, part by part, unless the
// topic disables overrides.
func effectiveHTTPPolicy(topicPolicy, subPolicy string) httpPolicy {
	hp := httpPolicy{retry: defaultRetryPolicy, contentType: defaultContentType}
	tp, _ := parseTopicDeliveryPolicy(topicPolicy)
	override := true
	if h := tp.HTTP; h != nil {
		if h.DefaultHealthyRetryPolicy != nil {
			hp.retry = *h.DefaultHealthyRetryPolicy
		}
		if h.DefaultThrottlePolicy != nil {
			hp.maxPerSecond = h.DefaultThrottlePolicy.MaxReceivesPerSecond
		}
		if h.DefaultRequestPolicy != nil && h.DefaultRequestPolicy.HeaderContentType != "" {
			hp.contentType = h.DefaultRequestPolicy.HeaderContentType
		}
		override = !h.DisableSubscriptionOverrides
	}
	if sp, _ := parseSubDeliveryPolicy(subPolicy); override {
		if sp.HealthyRetryPolicy != nil {
			hp.retry = *sp.HealthyRetryPolicy
		}
		if sp.ThrottlePolicy != nil {
			hp.maxPerSecond = sp.ThrottlePolicy.MaxReceivesPerSecond
		}
		if sp.RequestPolicy != nil && sp.RequestPolicy.HeaderContentType != "" {
			hp.contentType = sp.RequestPolicy.HeaderContentType
		}
	}
	return hp
}

// effectiveSubscriptionPolicy renders an http subscription's
// EffectiveDeliveryPolicy attribute.
func effectiveSubscriptionPolicy(topicPolicy, subPolicy string) string {
	hp := effectiveHTTPPolicy(topicPolicy, subPolicy)
	rp := hp.retry
	if rp.BackoffFunction == "" {
		rp.BackoffFunction = "linear"
	}
	out := struct {
		HealthyRetryPolicy retryPolicy     `json:"healthyRetryPolicy"`
		SicklyRetryPolicy  *struct{}       `json:"sicklyRetryPolicy"`
		ThrottlePolicy     *throttlePolicy `json:"throttlePolicy"`
		RequestPolicy      *requestPolicy  `json:"requestPolicy,omitempty"`
		Guaranteed         bool            `json:"guaranteed"`
	}{HealthyRetryPolicy: rp}
	if hp.maxPerSecond > 0 {
		out.ThrottlePolicy = &throttlePolicy{MaxReceivesPerSecond: hp.maxPerSecond}
	}
	if hp.contentType != defaultContentType {
		out.RequestPolicy = &requestPolicy{HeaderContentType: hp.contentType}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// defaultContentType is the Content-Type of http deliveries without a
// requestPolicy.
const defaultContentType = "text/plain; charset=UTF-8"

// deliveryPolicy is a subscription's effective http delivery policy with
// its retry schedule, kept until the topic's or the subscription's
// DeliveryPolicy changes, so deliveries do not parse JSON.
type deliveryPolicy struct {
	topicPolicy, subPolicy string // what it was made from
	httpPolicy
	schedule []time.Duration
}

// httpPolicyLocked returns the subscription's effective http delivery
// policy. topic.mu must be held.
func (sub *Subscription) httpPolicyLocked() *deliveryPolicy {
	tp, sp := sub.topic.settings.attrs[AttrDeliveryPolicy], sub.settings.deliveryPolicy
	if c := sub.policy; c != nil && c.topicPolicy == tp && c.subPolicy == sp {
		return c
	}
	hp := effectiveHTTPPolicy(tp, sp)
	sub.policy = &deliveryPolicy{topicPolicy: tp, subPolicy: sp, httpPolicy: hp, schedule: hp.retry.schedule()}
	return sub.policy
}

// throttleLocked returns when an attempt wanted at `at` may be made under
// a limit of perSecond attempts a second, and reserves that moment: the
// attempts to one endpoint are spaced at least 1/perSecond apart.
// topic.mu must be held.
func (sub *Subscription) throttleLocked(at time.Time, perSecond int) time.Time {
	if perSecond <= 0 {
		return at
	}
	if sub.nextSlot.After(at) {
		at = sub.nextSlot
	}
	sub.nextSlot = at.Add(time.Second / time.Duration(perSecond))
	return at
}

// httpDelivery is what an http or https delivery needs besides the body.
type httpDelivery struct {
	topic       *Topic
	messageType string // Notification or SubscriptionConfirmation
	messageID   string
	contentType string
	raw         bool
	schedule    []time.Duration // delays before each retry
	attempt     int             // retries made so far
	perSecond   int             // the throttle policy's limit, 0 for none
	notBefore   time.Time       // a throttled first attempt waits until then
}

// post makes one attempt and returns the endpoint's status code.
func (s *Service) post(ctx context.Context, d *delivery) (int, error) {
	h := d.http
	ctx, cancel := s.cfg.clock.WithTimeout(ctx, HTTPRequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.endpoint, bytes.NewReader([]byte(d.body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", h.contentType)
	req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
	req.Header.Set("x-amz-sns-message-type", h.messageType)
	req.Header.Set("x-amz-sns-message-id", h.messageID)
	req.Header.Set("x-amz-sns-topic-arn", h.topic.arn)
	if h.messageType != "SubscriptionConfirmation" {
		req.Header.Set("x-amz-sns-subscription-arn", d.subArn)
	}
	if h.raw {
		req.Header.Set("x-amz-sns-rawdelivery", "true")
	}
	resp, err := s.cfg.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// httpOutcome classifies an attempt as AWS does: 2xx and 3xx deliver
// (but 100 and 101), 4xx fail for good, the rest is retried.
func httpOutcome(code int, err error) (ok, permanent bool) {
	switch {
	case err != nil || code == 0:
		return false, false
	case code >= 200 && code < 400:
		return true, false
	case code >= 400 && code < 500:
		return false, true
	default:
		return false, false
	}
}

// deliverHTTP makes one attempt and, if it fails, schedules the next retry
// or, when retries are spent or the failure is permanent, redrives the
// message to the subscription's dead-letter queue.
func (s *Service) deliverHTTP(ctx context.Context, d delivery) {
	h := d.http
	st := s.statusOf(d, h.attempt+1)
	code, err := s.post(ctx, &d)
	st.StatusCode = code
	ok, permanent := httpOutcome(code, err)
	if ok {
		s.report(st)
		return
	}
	if err == nil {
		err = fmt.Errorf("endpoint answered %d", code)
	}
	st.Status, st.Err = StatusFailure, err
	s.cfg.logger.Warn("pubsub: delivery to http endpoint failed", "endpoint", d.endpoint, "subscription", d.subArn,
		"attempt", h.attempt+1, "status", code, "error", err)
	if !permanent && h.attempt < len(h.schedule) && ctx.Err() == nil {
		h.attempt++
		st.NextAttempt = h.topic.scheduleRetry(d, h.schedule[h.attempt-1])
		s.report(st)
		return
	}
	if d.redriveTarget != "" && h.messageType == "Notification" {
		st.DeadLettered = true
		if e := s.sendToQueue(context.WithoutCancel(ctx), d.redriveTarget, d); e != nil {
			s.cfg.logger.Warn("pubsub: delivery to dead-letter queue failed", "endpoint", d.redriveTarget, "error", e)
		}
	}
	s.report(st)
}

// statusOf starts the DeliveryStatus of an attempt at d.
func (s *Service) statusOf(d delivery, attempt int) DeliveryStatus {
	st := DeliveryStatus{
		Time: s.cfg.clock.Now(), SubscriptionArn: d.subArn, Protocol: d.protocol, Endpoint: d.endpoint,
		MessageType: "Notification", Attempt: attempt, Status: StatusSuccess,
	}
	if d.topic != nil {
		st.TopicArn = d.topic.arn
	}
	switch {
	case d.http != nil:
		st.MessageId, st.MessageType = d.http.messageID, d.http.messageType
	case d.lambda != nil:
		st.MessageId = d.lambda.Records[0].Sns.MessageId
	default:
		st.MessageId = d.messageID
	}
	return st
}

// goDeliverHTTP makes an http attempt on a goroutine of its own, as SNS
// delivers after Publish returns: a slow endpoint never holds up the
// publisher. Close cancels the attempts in flight and waits for them.
func (s *Service) goDeliverHTTP(d delivery) {
	s.bg.mu.Lock()
	defer s.bg.mu.Unlock()
	if s.bg.closed {
		return
	}
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		s.deliverHTTP(s.bg.ctx, d)
	}()
}

// background tracks the goroutines of http attempts.
type background struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// stop cancels the attempts in flight and waits for them to end.
func (b *background) stop() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}

// retry is a failed http, sqs or lambda delivery waiting for its next
// attempt, or a throttled http delivery waiting for its first.
type retry struct {
	due time.Time
	seq uint64
	d   delivery
}

// retries are a topic's pending retries, by due time, and the one
// timer armed for the earliest.
type retries struct {
	tree  *btree.BTreeG[*retry]
	seq   uint64
	timer *clock.Timer
	armed time.Time
}

func newRetries() retries {
	return retries{tree: btree.NewG(btreeDegree, func(a, b *retry) bool {
		return a.due.Before(b.due) || a.due.Equal(b.due) && a.seq < b.seq
	})}
}

// scheduleRetry queues d for another attempt after delay, later if the
// subscription's throttle policy says so, and returns when it is due (zero
// if the topic is gone).
func (t *Topic) scheduleRetry(d delivery, delay time.Duration) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	due := t.nowLocked().Add(delay)
	if sub := t.subsByARN[d.subArn]; sub != nil && d.http != nil {
		due = sub.throttleLocked(due, d.http.perSecond)
	}
	if !t.scheduleAtLocked(d, due) {
		return time.Time{}
	}
	return due
}

// scheduleAtLocked queues d for an attempt at due, unless the topic is
// deleted or the Service closed. t.mu must be held.
func (t *Topic) scheduleAtLocked(d delivery, due time.Time) bool {
	if t.deleted || t.svc.closed.Load() {
		return false
	}
	r := &t.retries
	r.seq++
	r.tree.ReplaceOrInsert(&retry{due: due, seq: r.seq, d: d})
	t.armRetriesLocked()
	return true
}

// armRetriesLocked arms the topic's timer for its earliest retry. t.mu must
// be held.
func (t *Topic) armRetriesLocked() {
	r := &t.retries
	first, ok := r.tree.Min()
	if !ok {
		if r.timer != nil {
			r.timer.Stop()
			r.timer = nil
		}
		return
	}
	if r.timer != nil && r.armed.Equal(first.due) {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.armed = first.due
	r.timer = t.svc.cfg.clock.AfterFunc(first.due.Sub(t.nowLocked()), t.runRetries)
}

// runRetries is the retry timer's function: it takes the retries due by
// now and attempts them after unlocking. A retry of a subscription deleted
// since is dropped, but for the UnsubscribeConfirmation of that deletion.
func (t *Topic) runRetries() {
	t.mu.Lock()
	t.retries.timer = nil
	now := t.nowLocked()
	var due []delivery
	for {
		first, ok := t.retries.tree.Min()
		if !ok || first.due.After(now) {
			break
		}
		t.retries.tree.DeleteMin()
		d := first.d
		unsubscribing := d.http != nil && d.http.messageType == "UnsubscribeConfirmation"
		if t.subsByARN[d.subArn] == nil && !unsubscribing {
			continue
		}
		due = append(due, d)
	}
	t.armRetriesLocked()
	t.mu.Unlock()
	for _, d := range due {
		if d.http != nil {
			t.svc.goDeliverHTTP(d)
		} else {
			t.svc.deliverManaged(context.Background(), d, false)
		}
	}
}

// stopRetriesLocked drops the topic's pending retries. t.mu must be held.
func (t *Topic) stopRetriesLocked() {
	t.retries.tree.Clear(false)
	if t.retries.timer != nil {
		t.retries.timer.Stop()
		t.retries.timer = nil
	}
}

// subscribeURL is the SubscribeURL of a confirmation message.
func (s *Service) subscribeURL(topicArn, token string) string {
	return s.cfg.baseURL() + "/?Action=ConfirmSubscription&TopicArn=" +
		url.QueryEscape(topicArn) + "&Token=" + token
}
