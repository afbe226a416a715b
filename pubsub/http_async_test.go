package pubsub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/sluicehq/sluice/pubsub"
)

// slowEndpoint answers confirmations at once and holds every notification
// until its request's context ends.
type slowEndpoint struct {
	mu      sync.Mutex
	token   string
	held    int
	aborted int
}

func (s *slowEndpoint) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	if req.Header.Get("x-amz-sns-message-type") == "SubscriptionConfirmation" {
		var doc map[string]string
		_ = json.Unmarshal(body, &doc)
		s.mu.Lock()
		s.token = doc["Token"]
		s.mu.Unlock()
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: req}, nil
	}
	s.mu.Lock()
	s.held++
	s.mu.Unlock()
	<-req.Context().Done()
	s.mu.Lock()
	s.aborted++
	s.mu.Unlock()
	return nil, req.Context().Err()
}

func (s *slowEndpoint) counts() (held, aborted int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held, s.aborted
}

// An http endpoint is called after Publish returns, so a slow endpoint
// does not hold up the publisher; Close cancels the attempts in flight
// and returns once they have ended.
func TestHTTP_AsynchronousDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ep := &slowEndpoint{}
		e := psNewEnv(t, pubsub.WithHTTPClient(&http.Client{Transport: ep}))
		tp := e.topic("t", nil)
		if _, err := tp.Subscribe(e.ctx, pubsub.SubscribeInput{Protocol: "http", Endpoint: "http://example.com/hook"}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		ep.mu.Lock()
		token := ep.token
		ep.mu.Unlock()
		if _, err := tp.ConfirmSubscription(e.ctx, pubsub.ConfirmSubscriptionInput{Token: token}); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			e.publish(tp, pubsub.PublishInput{Message: "m"}) // returns while the endpoint holds the earlier ones
			synctest.Wait()
			if held, _ := ep.counts(); held != i {
				t.Fatalf("after publish %d the endpoint holds %d requests", i, held)
			}
		}
		e.svc.Close()
		if _, aborted := ep.counts(); aborted != 3 {
			t.Fatalf("Close ended %d attempts, want 3", aborted)
		}
	})
}
