package pubsub_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sluicehq/sluice/pubsub"
)

// statusLog collects delivery statuses.
type statusLog struct {
	mu  sync.Mutex
	all []pubsub.DeliveryStatus
}

func (l *statusLog) add(st pubsub.DeliveryStatus) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, st)
}

func (l *statusLog) get() []pubsub.DeliveryStatus {
	synctest.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]pubsub.DeliveryStatus(nil), l.all...)
}

// psStatusEnv is psHTTPEnv with a delivery status log.
func psStatusEnv(t *testing.T) (*psEnv, *psEndpoint, *statusLog) {
	ep, log := &psEndpoint{}, &statusLog{}
	e := psNewEnv(t, pubsub.WithHTTPClient(&http.Client{Transport: ep}), pubsub.WithDeliveryStatus(log.add))
	ep.env = e
	return e, ep, log
}

func TestDeliveryStatus_HTTP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, ep, log := psStatusEnv(t)
		tp := e.topic("t", nil)
		dlq := e.queue("dlq")
		arn := e.confirm(tp, ep, map[string]string{
			"DeliveryPolicy": `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1}}`,
			"RedrivePolicy":  `{"deadLetterTargetArn":"` + dlq.ARN() + `"}`,
		})
		ep.mu.Lock()
		ep.status = func(int) int { return 503 }
		ep.mu.Unlock()
		out := e.publish(tp, pubsub.PublishInput{Message: "m"})
		synctest.Wait()
		e.clock.Add(5 * time.Second)
		all := log.get()
		if len(all) != 3 {
			t.Fatalf("%d statuses, want confirmation + 2 attempts: %+v", len(all), all)
		}
		if c := all[0]; c.MessageType != "SubscriptionConfirmation" || c.Status != pubsub.StatusSuccess || c.StatusCode != 200 {
			t.Errorf("confirmation status = %+v", c)
		}
		first, last := all[1], all[2]
		if first.MessageId != out.MessageId || first.SubscriptionArn != arn || first.TopicArn != tp.ARN() || first.Protocol != "http" ||
			first.Attempt != 1 || first.Status != pubsub.StatusFailure || first.StatusCode != 503 || first.Err == nil ||
			!first.NextAttempt.Equal(psEpoch.Add(5*time.Second)) || first.DeadLettered || !first.Time.Equal(psEpoch) {
			t.Errorf("first attempt status = %+v", first)
		}
		if last.Attempt != 2 || last.Status != pubsub.StatusFailure || !last.NextAttempt.IsZero() || !last.DeadLettered ||
			!last.Time.Equal(psEpoch.Add(5*time.Second)) {
			t.Errorf("last attempt status = %+v", last)
		}
		if n := len(e.receive(dlq)); n != 1 {
			t.Fatalf("dead-letter queue has %d messages", n)
		}
	})
}

func TestDeliveryStatus_Managed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, _, log := psStatusEnv(t)
		tp := e.topic("t", nil)
		calls := 0
		fn := e.svc.FuncEndpoint("flaky", func(ctx context.Context, ev pubsub.LambdaEvent) error {
			if calls++; calls <= 4 {
				return errors.New("busy")
			}
			return nil
		})
		e.subscribe(tp, "lambda", fn, nil)
		q := e.queue("q")
		e.subscribe(tp, "sqs", q.ARN(), nil)
		out := e.publish(tp, pubsub.PublishInput{Message: "m"})
		synctest.Wait()
		e.clock.Add(time.Second)
		var lambda []pubsub.DeliveryStatus
		var sqs int
		for _, st := range log.get() {
			if st.MessageId != out.MessageId {
				t.Errorf("status of another message: %+v", st)
			}
			switch st.Protocol {
			case "lambda":
				lambda = append(lambda, st)
			case "sqs":
				sqs++
				if st.Status != pubsub.StatusSuccess || st.Attempt != 1 {
					t.Errorf("sqs status = %+v", st)
				}
			}
		}
		// 1 attempt + 3 immediate retries fail, then the first delayed
		// retry, 1 s later, succeeds.
		if sqs != 1 || len(lambda) != 5 {
			t.Fatalf("%d sqs and %d lambda statuses, want 1 and 5", sqs, len(lambda))
		}
		for i, st := range lambda {
			if st.Attempt != i+1 {
				t.Errorf("lambda status %d has Attempt %d", i, st.Attempt)
			}
		}
		if st := lambda[3]; st.Status != pubsub.StatusFailure || !st.NextAttempt.Equal(psEpoch.Add(time.Second)) {
			t.Errorf("last immediate attempt = %+v, want a retry at +1s", st)
		}
		if st := lambda[4]; st.Status != pubsub.StatusSuccess || !st.Time.Equal(psEpoch.Add(time.Second)) {
			t.Errorf("delayed retry = %+v", st)
		}
	})
}
