package awsapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/sluicehq/sluice/firehose"
	"github.com/sluicehq/sluice/internal/awserr"
	"github.com/sluicehq/sluice/pubsub"
	"github.com/sluicehq/sluice/queue"
	"github.com/sluicehq/sluice/stream"
)

// DefaultMaxBodyBytes is the largest request body a handler reads unless
// WithMaxBodyBytes says otherwise: room for a 5 MiB Kinesis PutRecords batch
// once base64-encoded.
const DefaultMaxBodyBytes = 16 << 20

// Option configures the handler New returns.
type Option func(*handler)

// WithQueues serves Amazon SQS from svc.
func WithQueues(svc *queue.Service) Option { return func(h *handler) { h.sqs = svc } }

// WithPubSub serves Amazon SNS from svc.
func WithPubSub(svc *pubsub.Service) Option { return func(h *handler) { h.sns = svc } }

// WithLogger logs each request at debug level to l (default: silent).
func WithLogger(l *slog.Logger) Option { return func(h *handler) { h.log = l } }

// WithMaxBodyBytes limits request bodies to n bytes (default
// DefaultMaxBodyBytes); a longer body is answered with 413.
func WithMaxBodyBytes(n int64) Option { return func(h *handler) { h.maxBody = n } }

// handler dispatches a request to the codec of its service and protocol.
type handler struct {
	sqs     *queue.Service
	sns     *pubsub.Service
	streams *stream.Service   // WithStreams, for analytics outputs
	hoses   *firehose.Service // WithFirehose, for analytics outputs
	log     *slog.Logger
	maxBody int64

	idPrefix string
	ids      atomic.Uint64
	extra    []route // further services, by X-Amz-Target prefix
}

// route serves the JSON requests whose X-Amz-Target starts with prefix.
type route struct {
	prefix string
	serve  func(w http.ResponseWriter, r *http.Request, c *call, op string)
}

// New returns an http.Handler speaking the AWS wire protocols of the
// services given as options: SQS (AWS JSON 1.0 and query), SNS (query),
// Kinesis (AWS JSON 1.1 and CBOR), Firehose (AWS JSON 1.1), Kinesis Data
// Analytics (AWS JSON 1.1) and,
// under /SimpleNotificationService-sluice.pem, the certificate SNS messages
// are signed with. It only translates: every request becomes one call of the
// native operation. Signatures are never verified.
func New(opts ...Option) http.Handler {
	h := &handler{log: slog.New(slog.DiscardHandler), maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(h)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	h.idPrefix = hex.EncodeToString(b[:])
	return h
}

// call is the state of one request: its id, where it came from, and what
// the log line says about it.
type call struct {
	id      string
	base    string // scheme://host the client reached us at; "" if unknown
	service string
	op      string
	status  int
}

func (h *handler) newCall(r *http.Request) *call {
	n := h.ids.Add(1)
	var b [8]byte
	for i := range b {
		b[7-i] = byte(n >> (8 * i))
	}
	// A UUID-shaped id: the handler's random prefix, then a counter.
	p := h.idPrefix
	x := hex.EncodeToString(b[:])
	id := p[:8] + "-" + p[8:12] + "-" + x[:4] + "-" + x[4:8] + "-" + x[8:] + "0000"
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	c := &call{id: id}
	if host != "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		c.base = scheme + "://" + host
	}
	return c
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := h.newCall(r)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("awsapi: panic", "request", c.id, "service", c.service, "op", c.op, "panic", v)
			writeJSONError(w, c, errInternal("internal error"), "")
		}
		if h.log.Enabled(r.Context(), slog.LevelDebug) {
			h.log.Debug("awsapi request", "request", c.id, "method", r.Method, "path", r.URL.Path,
				"service", c.service, "op", c.op, "status", c.status, "region", regionOf(r))
		}
	}()
	w.Header().Set("x-amzn-RequestId", c.id)
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		h.serveTarget(w, r, c, target)
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == certPath && h.sns != nil {
		c.service, c.op, c.status = "sns", "SigningCertificate", http.StatusOK
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(h.sns.SigningCertificate())
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeQueryError(w, c, sqsXMLNS, errInvalidAction("The HTTP method "+r.Method+" is not supported."))
		return
	}
	h.serveQuery(w, r, c)
}

// serveTarget dispatches a JSON request by its X-Amz-Target.
func (h *handler) serveTarget(w http.ResponseWriter, r *http.Request, c *call, target string) {
	prefix, op, _ := strings.Cut(target, ".")
	c.op = op
	switch {
	case prefix == "AmazonSQS" && h.sqs != nil:
		c.service = "sqs"
		h.serveSQSJSON(w, r, c, op)
		return
	}
	for _, rt := range h.extra {
		if rt.prefix == prefix {
			rt.serve(w, r, c, op)
			return
		}
	}
	c.service = prefix
	writeJSONError(w, c, errUnknownOperation("Unrecognized operation "+target), "")
}

// regionOf returns the region of a SigV4 Authorization header's credential
// scope, or "" if there is none. It selects nothing; it is logged.
func regionOf(r *http.Request) string {
	a := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(a, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// asAWSError returns err as an *awserr.Error, mapping anything else to an
// internal failure.
func asAWSError(err error) *awserr.Error {
	var e *awserr.Error
	if errors.As(err, &e) {
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge(mbe.Limit)
	}
	return errInternal(err.Error())
}
