package awsapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// HTTPClient returns an *http.Client whose requests are served by h in
// process, with no socket. It satisfies the HTTPClient interface of the AWS
// SDK for Go v2 (Do(*http.Request) (*http.Response, error)):
//
//	client := sqs.NewFromConfig(cfg, func(o *sqs.Options) {
//		o.BaseEndpoint = aws.String("http://sluice.local")
//		o.HTTPClient = awsapi.HTTPClient(handler)
//	})
//
// The response is returned as soon as the handler writes its header, and its
// body streams as the handler writes, so long polls and event streams work;
// cancelling the request's context cancels the handler's.
func HTTPClient(h http.Handler) *http.Client {
	return &http.Client{Transport: roundTripper{h}}
}

// roundTripper runs each request through a handler on its own goroutine.
type roundTripper struct{ h http.Handler }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	// The handler's context ends with the request's, or when the client
	// closes the body early, as a server's does when the connection closes.
	ctx, cancel := context.WithCancel(req.Context())
	r := req.Clone(ctx)
	if r.Host == "" && r.URL != nil {
		r.Host = r.URL.Host
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.RemoteAddr = "127.0.0.1:0"
	r.RequestURI = r.URL.RequestURI()
	if r.Proto == "" {
		r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	}
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				_ = pw.CloseWithError(fmt.Errorf("awsapi: handler panicked: %v", v))
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
			_ = pw.Close()
		}()
		rt.h.ServeHTTP(w, r)
	}()
	select {
	case <-w.ready:
	case <-req.Context().Done():
		_ = pr.CloseWithError(req.Context().Err())
		cancel()
		return nil, req.Context().Err()
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          pipeBody{pr, cancel},
		ContentLength: -1,
		Request:       req,
	}, nil
}

// pipeBody is a response body read from the handler's pipe; closing it
// ends the handler's context.
type pipeBody struct {
	*io.PipeReader
	cancel context.CancelFunc
}

func (b pipeBody) Close() error {
	b.cancel()
	return b.PipeReader.Close()
}

// pipeWriter is an http.ResponseWriter whose body goes into a pipe.
type pipeWriter struct {
	header http.Header
	sent   http.Header // the header as of WriteHeader
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
	status int
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() {
		w.status = code
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.pw.Write(p)
}

// Flush sends the header; written bytes are already with the reader.
func (w *pipeWriter) Flush() { w.WriteHeader(http.StatusOK) }
