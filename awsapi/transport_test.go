package awsapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/sluicehq/sluice/awsapi"
)

func TestHTTPClientCancel(t *testing.T) {
	started := make(chan struct{})
	ended := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		ended <- r.Context().Err()
	})
	c, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(c, http.MethodPost, "http://sluice.local/", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-started; cancel() }()
	if _, err := awsapi.HTTPClient(h).Do(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler context: %v", err)
	}
}

// Closing a streamed body early ends the handler's context, as a dropped
// connection does.
func TestHTTPClientCloseEndsHandler(t *testing.T) {
	ended := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		ended <- r.Context().Err()
	})
	resp, err := awsapi.HTTPClient(h).Post("http://sluice.local/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("handler context: %v", err)
	}
}

func TestHTTPClientPanic(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("partial"))
		panic("boom")
	})
	resp, err := awsapi.HTTPClient(h).Get("http://sluice.local/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("reading the body of a panicked handler succeeded")
	}
}
