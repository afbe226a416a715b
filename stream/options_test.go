package stream_test

import (
	"io"
	"log/slog"
	"testing"
	"testing/synctest"

	"github.com/sluicehq/sluice/stream"
)

func TestAccountAndRegion(t *testing.T) {
	e := newEnv(t, stream.WithAccount("111111111111"), stream.WithRegion("eu-west-1"), stream.WithLogger(slog.New(slog.DiscardHandler)))
	s := e.create("acct", 1)
	if want := "arn:aws:kinesis:eu-west-1:111111111111:stream/acct"; s.ARN() != want {
		t.Fatalf("ARN = %s, want %s", s.ARN(), want)
	}
	_, err := e.svc.DescribeStreamSummary(e.ctx, stream.DescribeStreamSummaryInput{StreamName: "missing"})
	wantErr(t, err, stream.ErrResourceNotFoundException, "Stream missing under account 111111111111 not found.")
	// An ARN of the default account and region names no stream here.
	_, err = e.svc.DescribeStreamSummary(e.ctx, stream.DescribeStreamSummaryInput{StreamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/acct"})
	wantErr(t, err, stream.ErrResourceNotFoundException, "")
}

func TestOptionsRefuseNil(t *testing.T) {
	for name, f := range map[string]func(){
		"WithClock":  func() { stream.WithClock(nil) },
		"WithRand":   func() { stream.WithRand(nil) },
		"WithLogger": func() { stream.WithLogger(nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(nil) did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestSubscriptionClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, s, c := efo(t)
		sub := subscribe(t, e, c, stream.StartingPosition{Type: stream.TrimHorizon})
		sub.Next(e.ctx)
		ch := goNext(e.ctx, sub)
		if !pending(ch) {
			t.Fatal("returned early")
		}
		sub.Close()
		if r := <-ch; r.err != io.EOF {
			t.Fatalf("after Close: %v, want io.EOF", r.err)
		}
		e.put(s, "k", "x")
		if _, err := sub.Next(e.ctx); err != io.EOF {
			t.Fatalf("Next after Close: %v", err)
		}
	})
}
