package pubsub

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
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

// topicDeliveryPolicy is a topic's DeliveryPolicy: {"http":{...}}.
type topicDeliveryPolicy struct {
	HTTP *struct {
		DefaultHealthyRetryPolicy    *retryPolicy   `json:"defaultHealthyRetryPolicy"`
		DisableSubscriptionOverrides bool           `json:"disableSubscriptionOverrides"`
		DefaultRequestPolicy         *requestPolicy `json:"defaultRequestPolicy"`
	} `json:"http"`
}

// subDeliveryPolicy is a subscription's DeliveryPolicy.
type subDeliveryPolicy struct {
	HealthyRetryPolicy *retryPolicy   `json:"healthyRetryPolicy"`
	RequestPolicy      *requestPolicy `json:"requestPolicy"`
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
	if p.HTTP != nil && p.HTTP.DefaultHealthyRetryPolicy != nil {
		return p, p.HTTP.DefaultHealthyRetryPolicy.validate("http.defaultHealthyRetryPolicy")
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
		return p, p.HealthyRetryPolicy.validate("healthyRetryPolicy")
	}
	return p, nil
}

// effectiveHTTPPolicy is the retry schedule and content type of an http
// subscription: the subscription's policy overrides the topic's unless the
// topic disables overrides.
func effectiveHTTPPolicy(topicPolicy, subPolicy string) ([]time.Duration, string) {
	rp, ct := effectiveRetryPolicy(topicPolicy, subPolicy)
	return rp.schedule(), ct
}

// effectiveSubscriptionPolicy renders an http subscription's
// EffectiveDeliveryPolicy attribute.
func effectiveSubscriptionPolicy(topicPolicy, subPolicy string) string {
	rp, ct := effectiveRetryPolicy(topicPolicy, subPolicy)
	if rp.BackoffFunction == "" {
		rp.BackoffFunction = "linear"
	}
	out := struct {
		HealthyRetryPolicy retryPolicy    `json:"healthyRetryPolicy"`
		SicklyRetryPolicy  *struct{}      `json:"sicklyRetryPolicy"`
		ThrottlePolicy     *struct{}      `json:"throttlePolicy"`
		RequestPolicy      *requestPolicy `json:"requestPolicy,omitempty"`
		Guaranteed         bool           `json:"guaranteed"`
	}{HealthyRetryPolicy: rp}
	if ct != defaultContentType {
		out.RequestPolicy = &requestPolicy{HeaderContentType: ct}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// defaultContentType is the Content-Type of http deliveries without a
// requestPolicy.
const defaultContentType = "text/plain; charset=UTF-8"

func effectiveRetryPolicy(topicPolicy, subPolicy string) (retryPolicy, string) {
	rp, ct := defaultRetryPolicy, defaultContentType
	tp, _ := parseTopicDeliveryPolicy(topicPolicy)
	override := true
	if h := tp.HTTP; h != nil {
		if h.DefaultHealthyRetryPolicy != nil {
			rp = *h.DefaultHealthyRetryPolicy
		}
		if h.DefaultRequestPolicy != nil && h.DefaultRequestPolicy.HeaderContentType != "" {
			ct = h.DefaultRequestPolicy.HeaderContentType
		}
		override = !h.DisableSubscriptionOverrides
	}
	if sp, _ := parseSubDeliveryPolicy(subPolicy); override {
		if sp.HealthyRetryPolicy != nil {
			rp = *sp.HealthyRetryPolicy
		}
		if sp.RequestPolicy != nil && sp.RequestPolicy.HeaderContentType != "" {
			ct = sp.RequestPolicy.HeaderContentType
		}
	}
	return rp, ct
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
}

// post makes one attempt. It reports whether the delivery is done (2xx or
// 3xx) and whether a failure is permanent (4xx).
func (s *Service) post(ctx context.Context, d *delivery) (ok, permanent bool, err error) {
	h := d.http
	ctx, cancel := s.cfg.clock.WithTimeout(context.WithoutCancel(ctx), HTTPRequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.endpoint, bytes.NewReader([]byte(d.body)))
	if err != nil {
		return false, true, err
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
		return false, false, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 400 && c != 100 && c != 101:
		return true, false, nil
	case c >= 400 && c < 500:
		return false, true, nil
	default:
		return false, false, nil
	}
}

// deliverHTTP makes one attempt and, if it fails, schedules the next retry
// or, when retries are spent or the failure is permanent, redrives the
// message to the subscription's dead-letter queue.
func (s *Service) deliverHTTP(ctx context.Context, d delivery) {
	ok, permanent, err := s.post(ctx, &d)
	if ok {
		return
	}
	h := d.http
	s.cfg.logger.Warn("pubsub: delivery to http endpoint failed", "endpoint", d.endpoint, "subscription", d.subArn,
		"attempt", h.attempt+1, "error", err)
	if !permanent && h.attempt < len(h.schedule) {
		h.topic.scheduleRetry(d, h.schedule[h.attempt])
		return
	}
	if d.redriveTarget != "" && h.messageType == "Notification" {
		if e := s.sendToQueue(ctx, d.redriveTarget, d); e != nil {
			s.cfg.logger.Warn("pubsub: delivery to dead-letter queue failed", "endpoint", d.redriveTarget, "error", e)
		}
	}
}

// retry is a failed http, sqs or lambda delivery waiting for its next attempt.
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

// scheduleRetry queues d for another attempt after delay.
func (t *Topic) scheduleRetry(d delivery, delay time.Duration) {
	if d.http != nil {
		d.http.attempt++
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.deleted || t.svc.closed.Load() {
		return
	}
	r := &t.retries
	r.seq++
	r.tree.ReplaceOrInsert(&retry{due: t.nowLocked().Add(delay), seq: r.seq, d: d})
	t.armRetriesLocked()
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
// now and attempts them after unlocking.
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
		due = append(due, first.d)
	}
	t.armRetriesLocked()
	t.mu.Unlock()
	for _, d := range due {
		if d.http != nil {
			t.svc.deliverHTTP(context.Background(), d)
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
